"""``python -m ipexcli``: the same as the ``ipex`` command."""

from ipexcli.cli import main

if __name__ == "__main__":
    main()
