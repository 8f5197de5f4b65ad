// Package rules holds normtag's default tagging rules, embedded in the
// binary. The format is documented in README.md next to this file.
package rules

import _ "embed"

// Default is the default rules file (YAML).
//
//go:embed default.yaml
var Default []byte
