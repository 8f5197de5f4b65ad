package tag

import "strings"

// Words returns text's words as the tagger sees them: lower case, accents
// removed, split at every character that is not a letter or digit. Tools
// that compare texts or mine phrases for rules (eval, rules suggest) use
// it so that what they count is what a rule phrase would match.
func Words(text string) []string {
	return strings.Fields(foldString(text))
}
