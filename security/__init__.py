"""Sign-in, roles, the audit hooks and the security headers of the web app."""
