"""python -m simulators.systems --port 8061"""

from simulators.systems import main

raise SystemExit(main())
