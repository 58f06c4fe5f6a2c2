//go:build !linux

package main

import "time"

// cpuTimes is only measured on Linux.
func cpuTimes() (machine, self time.Duration, ok bool) { return 0, 0, false }
