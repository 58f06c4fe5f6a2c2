package bot

import "releasebot/deployq"

// Runner is the process's deploy runtime: the crash-safe, shared deploy
// queue of package deployq. Effects starts and cancels runs through it
// (Start, Cancel); the console and tests wait for them (Wait).
type Runner = deployq.Runner
