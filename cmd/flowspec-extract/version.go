package main

// version is flowplan's version, recorded in every plan as its generator.
const version = "0.1.0"
