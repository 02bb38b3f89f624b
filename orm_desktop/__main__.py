from orm_desktop.cli import main

raise SystemExit(main())
