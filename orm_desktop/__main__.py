from orm_desktop.cli import main

# the guard matters: refresh workers are spawned processes, which import __main__ again
if __name__ == "__main__":
    raise SystemExit(main())
