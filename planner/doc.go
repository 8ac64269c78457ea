// Package planner derives a deployment plan (package plan) from a project
// and its lifted flow specs, as the original tool would deploy them: every
// name after Pocket's conventions, the exact request bodies, the parameter
// schema Prefect would compute from the flow function's signature. It is
// pure: no I/O, same inputs, same plan, byte for byte.
package planner
