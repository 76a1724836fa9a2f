#!/usr/bin/env python
"""Django's manage.py; the `guanxi` command does the same and more."""

from guanxi.cli import main

if __name__ == "__main__":
    main()
