raise SystemExit("a hidden file is never matched")
