package tag

import (
	"slices"
	"strings"
	"testing"
)

// TestExplicitReferencesRussianForms checks the Russian ways of naming a
// norm beyond норма and пункт: ordinals with правило in every case, the
// number sign №, letters in guillemets and letters closed by a lone
// parenthesis; and that the same letters, words and signs elsewhere are
// no reference.
func TestExplicitReferencesRussianForms(t *testing.T) {
	tg := mustDefault(t)
	for text, want := range map[string]string{
		"Что касается первого правила, мы подписали договорённости.": "a",
		"Восьмое правило поведения касается помощи.":                 "h",
		"Согласно третьему правилу государства не допускают этого.":  "c",
		"Мы руководствуемся одиннадцатым правилом.":                  "k",
		"О седьмом правиле сказано выше.":                            "g",
		"Руководствуясь нормой № 7, мы защищаем объекты.":            "g",
		"О норме «ж» мы уже говорили.":                               "g",
		"Согласно подпункту «b» пункта 13 доклада мы действуем.":     "b",
		"Что касается пункта 13 в), мы согласны.":                    "c",
		"Норма к) касается уязвимостей.":                             "j",
		// not references
		"Правило первое: не навреди.":                                  "",
		"Мы выделили три задачи: а) обучение, б) учения, в) контроль.": "",
		"Номер заявки № 7 зарегистрирован.":                            "",
		"Слово «ж» пишется с мягким знаком.":                           "",
	} {
		res := tg.match(text, "", false)
		var got []string
		for _, r := range res.refs {
			got = append(got, r.norms...)
			if text[r.start:r.end] != r.match {
				t.Errorf("%q: reference %q is not text[%d:%d]", text, r.match, r.start, r.end)
			}
		}
		slices.Sort(got)
		if g := strings.Join(dedupe(got), ","); g != want {
			t.Errorf("%q: references %q, want %q", text, g, want)
		}
	}
}
