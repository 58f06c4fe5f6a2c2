package config

import (
	"strconv"
	"strings"
)

// Problem is one thing wrong in a config file.
type Problem struct {
	Line    int    // 1-based; 0 when the file gives no line
	Field   string // path of the value, e.g. services[1].approval_line[0].approvers[1]
	Message string
}

// ValidationError lists every problem found in a config file, by line.
type ValidationError struct {
	File     string
	Problems []Problem
}

// Error prints one "FILE:LINE: FIELD: MESSAGE" per problem.
func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			b.WriteString(":" + strconv.Itoa(p.Line))
		}
		b.WriteString(": ")
		if p.Field != "" {
			b.WriteString(p.Field + ": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}
