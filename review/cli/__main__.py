"""`python -m review.cli`, as the installed `review` script."""

from review.cli import main

main()
