package suggest

import (
	"slices"

	"github.com/normtag/normtag/corpus"
)

// JudgementLabels labels passages with analysts' judgements: a passage
// judged in any way is labelled, with the norms accepted or added on it
// (a passage whose only judgements are rejections is known to be on none
// of those norms). Judgements find their passage by its text, as the
// store does.
func JudgementLabels(js []*corpus.Judgement) func(*corpus.Document) map[int][]string {
	byDoc := map[string][]*corpus.Judgement{}
	for _, j := range js {
		byDoc[j.DocID] = append(byDoc[j.DocID], j)
	}
	return func(d *corpus.Document) map[int][]string {
		mine := byDoc[d.ID]
		if len(mine) == 0 {
			return nil
		}
		out := map[int][]string{}
		for i, p := range d.Passages {
			var hash string
			for _, j := range mine {
				if hash == "" {
					hash = corpus.PassageHash(p.Text)
				}
				if j.TextHash != hash {
					continue
				}
				ns := out[i]
				if j.Verdict != corpus.Reject && !slices.Contains(ns, j.Norm) {
					ns = append(ns, j.Norm)
				}
				out[i] = ns
			}
		}
		return out
	}
}

// Both labels passages by their sections and by judgements: a judgement
// adds the norm it accepts or adds, and removes the norm it rejects.
func Both(js []*corpus.Judgement) func(*corpus.Document) map[int][]string {
	judged := JudgementLabels(js)
	return func(d *corpus.Document) map[int][]string {
		out := Labels(d)
		j := judged(d)
		if len(j) == 0 {
			return out
		}
		rejected := map[string]map[string]bool{}
		for _, jj := range js {
			if jj.DocID == d.ID && jj.Verdict == corpus.Reject {
				if rejected[jj.TextHash] == nil {
					rejected[jj.TextHash] = map[string]bool{}
				}
				rejected[jj.TextHash][jj.Norm] = true
			}
		}
		for i, ns := range j {
			rej := rejected[corpus.PassageHash(d.Passages[i].Text)]
			merged := slices.DeleteFunc(slices.Clone(out[i]), func(n string) bool { return rej[n] })
			for _, n := range ns {
				if !slices.Contains(merged, n) {
					merged = append(merged, n)
				}
			}
			out[i] = merged
		}
		return out
	}
}
