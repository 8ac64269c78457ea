// Package version holds flowplan's version, recorded as the generator of
// every plan the commands write.
package version

// Version is flowplan's release version.
const Version = "0.1.0"
