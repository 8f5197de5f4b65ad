package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Verdict is what an analyst says about one norm on one passage.
type Verdict string

// Verdicts.
const (
	// Accept confirms a norm: the passage carries it whatever the rules
	// say later.
	Accept Verdict = "accept"
	// Reject removes a norm the rules gave the passage.
	Reject Verdict = "reject"
	// Add gives the passage a norm the rules missed.
	Add Verdict = "add"
)

// ParseVerdict checks a verdict named by a user.
func ParseVerdict(s string) (Verdict, error) {
	switch v := Verdict(s); v {
	case Accept, Reject, Add:
		return v, nil
	}
	return "", fmt.Errorf("verdict %q: must be accept, reject or add", s)
}

// JudgementRule is the rule name of the evidence a judgement puts on a
// tag; no tagging rule has this name.
const JudgementRule = "judgement"

// AddedScore is the score of a tag an analyst added or accepted that the
// rules do not give.
const AddedScore = 1.0

// Judgement is an analyst's verdict on one norm of one passage. It is
// keyed by the document and a hash of the passage's text, not by the
// passage's position, so that it stays with an unchanged passage across a
// re-tag, a re-ingest of the same file and a new segmentation around it.
type Judgement struct {
	DocID string `json:"doc_id"`
	// TextHash is PassageHash of the passage's text.
	TextHash string `json:"text_hash"`
	// Seq is where the passage was when last seen: a hint that picks one
	// of several passages with the same text, -1 when no passage of the
	// document has the text any more.
	Seq     int     `json:"passage"`
	Norm    string  `json:"norm"`
	Verdict Verdict `json:"verdict"`
	// Text is the passage's text, kept so that a judgement can be
	// exported as a gold passage even once its document is gone.
	Text string `json:"text"`
	// Heading says whether the passage is a heading.
	Heading bool      `json:"heading,omitempty"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	// RulesVersion is the rules version the document was tagged with
	// when the judgement was made.
	RulesVersion string `json:"rules_version"`
	Note         string `json:"note,omitempty"`
	// RuleTag is the tag the rules give this norm on the passage, as of
	// the last time they tagged it; nil when they do not give it.
	RuleTag *Tag `json:"rule_tag,omitempty"`
}

// PassageHash is the key a judgement finds its passage by: a hash of the
// passage's normalised text.
func PassageHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}

// Disagrees reports whether the rules, as of their last tagging, say
// otherwise than the judgement.
func (j Judgement) Disagrees() bool {
	if j.Verdict == Reject {
		return j.RuleTag != nil
	}
	return j.RuleTag == nil
}

// Overrides names the rules whose finding the judgement overrides: for a
// rejected norm, the rules that gave it.
func (j Judgement) Overrides() []string {
	if j.Verdict != Reject || j.RuleTag == nil {
		return nil
	}
	var out []string
	for _, e := range j.RuleTag.Evidence {
		if !slices.Contains(out, e.Rule) {
			out = append(out, e.Rule)
		}
	}
	return out
}

// ApplyJudgements turns the tags the rules give a passage into the
// tags it carries: a rejected norm is removed, an accepted or added one
// is kept or inserted, with evidence naming the judgement. It records in
// each judgement the rule's tag for its norm (RuleTag). ruleTags is not
// changed.
func ApplyJudgements(ruleTags []Tag, js []*Judgement) []Tag {
	if len(js) == 0 {
		return ruleTags
	}
	out := slices.Clone(ruleTags)
	for _, j := range js {
		i := slices.IndexFunc(out, func(t Tag) bool { return t.Norm == j.Norm })
		j.RuleTag = nil
		if i >= 0 {
			rt := out[i]
			rt.Evidence = slices.Clone(rt.Evidence)
			j.RuleTag = &rt
		}
		switch {
		case j.Verdict == Reject && i >= 0:
			out = slices.Delete(out, i, i+1)
		case j.Verdict == Reject:
		case i >= 0:
			t := out[i]
			t.Evidence = append(slices.Clone(t.Evidence), judgementEvidence(j))
			out[i] = t
		default:
			out = append(out, Tag{Norm: j.Norm, Score: AddedScore, Evidence: []Evidence{judgementEvidence(j)}})
		}
	}
	SortTags(out)
	return out
}

// RuleTags undoes ApplyJudgements: from the tags a passage carries and
// the judgements applied to it, the tags the rules gave it.
func RuleTags(tags []Tag, js []*Judgement) []Tag {
	if len(js) == 0 {
		return tags
	}
	judged := map[string]*Judgement{}
	for _, j := range js {
		judged[j.Norm] = j
	}
	out := make([]Tag, 0, len(tags))
	for _, t := range tags {
		if _, ok := judged[t.Norm]; !ok {
			out = append(out, t)
		}
	}
	for _, j := range js {
		if j.RuleTag != nil {
			out = append(out, *j.RuleTag)
		}
	}
	SortTags(out)
	return out
}

func judgementEvidence(j *Judgement) Evidence {
	m := string(j.Verdict) + "ed by " + j.By
	if j.Verdict == Add {
		m = "added by " + j.By
	}
	if j.Note != "" {
		m += ": " + j.Note
	}
	return Evidence{Rule: JudgementRule, Match: m}
}

// SortTags orders tags as the tagger does: by score, best first, then by
// norm letter.
func SortTags(tags []Tag) {
	slices.SortFunc(tags, func(a, b Tag) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.Norm, b.Norm)
	})
}

// Judged reports whether a tag carries an analyst's judgement.
func (t Tag) Judged() bool {
	return slices.ContainsFunc(t.Evidence, func(e Evidence) bool { return e.Rule == JudgementRule })
}

// JudgePassages finds the passage each judgement is about, by its text's
// hash (the passage at the judgement's Seq if several have the text, else
// the nearest), and replaces the tags of the judged passages, taken to be
// the rules' tags, by the tags they carry (ApplyJudgements). Each
// judgement's Seq becomes its passage's, or -1 when none has its text.
// Passages are changed in place; js must all be of the passages'
// document.
func JudgePassages(passages []Passage, js []*Judgement) {
	if len(js) == 0 {
		return
	}
	byHash := map[string][]int{} // text hash → indexes into passages
	for i, p := range passages {
		h := PassageHash(p.Text)
		byHash[h] = append(byHash[h], i)
	}
	onPassage := map[int][]*Judgement{}
	for _, j := range js {
		at := nearest(passages, byHash[j.TextHash], j.Seq)
		if at < 0 {
			j.Seq, j.RuleTag = -1, nil
			continue
		}
		j.Seq = passages[at].Seq
		onPassage[at] = append(onPassage[at], j)
	}
	for i, pj := range onPassage {
		passages[i].Tags = ApplyJudgements(passages[i].Tags, pj)
	}
}

// nearest returns the one of candidates (indexes into passages) whose
// Seq is closest to seq, or -1 when there are none.
func nearest(passages []Passage, candidates []int, seq int) int {
	best, dist := -1, 0
	for _, i := range candidates {
		d := passages[i].Seq - seq
		if d < 0 {
			d = -d
		}
		if best < 0 || d < dist {
			best, dist = i, d
		}
	}
	return best
}
