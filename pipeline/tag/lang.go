package tag

// Languages with rule sets.
var languages = []string{"en", "fr", "es"}

func knownLang(l string) bool {
	for _, x := range languages {
		if x == l {
			return true
		}
	}
	return false
}

// stopWords are frequent function words, distinct enough between the
// three languages to tell a passage's language by counting them.
var stopWords = func() map[string]int {
	out := map[string]int{}
	for w, l := range stopWordLangs {
		for i, x := range languages {
			if x == l {
				out[w] = i
			}
		}
	}
	return out
}()

var stopWordLangs = map[string]string{
	"the": "en", "and": "en", "of": "en", "to": "en", "is": "en", "that": "en", "for": "en",
	"with": "en", "are": "en", "be": "en", "should": "en", "this": "en", "by": "en", "which": "en",
	"le": "fr", "les": "fr", "des": "fr", "et": "fr", "du": "fr", "une": "fr", "est": "fr",
	"pour": "fr", "dans": "fr", "qui": "fr", "sur": "fr", "au": "fr", "aux": "fr", "doivent": "fr", "ne": "fr", "pas": "fr",
	"el": "es", "los": "es", "las": "es", "del": "es", "y": "es", "una": "es", "por": "es",
	"para": "es", "con": "es", "al": "es", "deben": "es", "su": "es", "sus": "es", "como": "es",
}

// detectLang guesses a folded text's language from its function words;
// hint (or English) wins when the text is too short to tell.
func detectLang(folded []byte, hint string) string {
	var counts [3]int
	start := 0
	for i := 0; i <= len(folded); i++ {
		if i == len(folded) || folded[i] == ' ' {
			if i-start <= 7 && i > start {
				if l, ok := stopWords[string(folded[start:i])]; ok {
					counts[l]++
				}
			}
			start = i + 1
		}
	}
	best, n := "", 0
	for i, l := range languages {
		if counts[i] > n {
			best, n = l, counts[i]
		}
	}
	if n < 2 {
		if hint != "" {
			return hint
		}
		return "en"
	}
	return best
}
