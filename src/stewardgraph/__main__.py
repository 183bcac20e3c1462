from stewardgraph.cli import main

main()
