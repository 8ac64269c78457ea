raise SystemExit("a hidden folder is never searched")
