// Package norms lists the eleven voluntary norms of responsible state
// behaviour in cyberspace from paragraph 13 (a)-(k) of UN document A/70/174
// (the 2015 GGE report). The official texts are facts quoted verbatim; the
// short names are normtag's own labels.
package norms

import (
	"strconv"
	"strings"
)

// Source names the document the norms come from.
const Source = "A/70/174 (2015), paragraph 13"

// Norm is one GGE 2015 norm.
type Norm struct {
	Letter    string // "a".."k"
	Number    int    // 1..11
	Paragraph string // "13(a)"
	Short     string // normtag's short label
	Text      string // official text
}

// All holds the eleven norms in order (a) to (k).
var All = [...]Norm{
	{Letter: "a", Number: 1, Paragraph: "13(a)", Short: "Cooperate for stability and security",
		Text: "Consistent with the purposes of the United Nations, including to maintain international peace and security, States should cooperate in developing and applying measures to increase stability and security in the use of ICTs and to prevent ICT practices that are acknowledged to be harmful or that may pose threats to international peace and security."},
	{Letter: "b", Number: 2, Paragraph: "13(b)", Short: "Weigh all information before attributing",
		Text: "In case of ICT incidents, States should consider all relevant information, including the larger context of the event, the challenges of attribution in the ICT environment and the nature and extent of the consequences."},
	{Letter: "c", Number: 3, Paragraph: "13(c)", Short: "Keep your territory from wrongful use",
		Text: "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs."},
	{Letter: "d", Number: 4, Paragraph: "13(d)", Short: "Cooperate against crime and terrorism",
		Text: "States should consider how best to cooperate to exchange information, assist each other, prosecute terrorist and criminal use of ICTs and implement other cooperative measures to address such threats. States may need to consider whether new measures need to be developed in this respect."},
	{Letter: "e", Number: 5, Paragraph: "13(e)", Short: "Respect human rights and privacy",
		Text: "States, in ensuring the secure use of ICTs, should respect Human Rights Council resolutions 20/8 and 26/13 on the promotion, protection and enjoyment of human rights on the Internet, as well as General Assembly resolutions 68/167 and 69/166 on the right to privacy in the digital age, to guarantee full respect for human rights, including the right to freedom of expression."},
	{Letter: "f", Number: 6, Paragraph: "13(f)", Short: "Do not damage critical infrastructure",
		Text: "A State should not conduct or knowingly support ICT activity contrary to its obligations under international law that intentionally damages critical infrastructure or otherwise impairs the use and operation of critical infrastructure to provide services to the public."},
	{Letter: "g", Number: 7, Paragraph: "13(g)", Short: "Protect critical infrastructure",
		Text: "States should take appropriate measures to protect their critical infrastructure from ICT threats, taking into account General Assembly resolution 58/199 on the creation of a global culture of cybersecurity and the protection of critical information infrastructures, and other relevant resolutions."},
	{Letter: "h", Number: 8, Paragraph: "13(h)", Short: "Answer requests for assistance",
		Text: "States should respond to appropriate requests for assistance by another State whose critical infrastructure is subject to malicious ICT acts. States should also respond to appropriate requests to mitigate malicious ICT activity aimed at the critical infrastructure of another State emanating from their territory, taking into account due regard for sovereignty."},
	{Letter: "i", Number: 9, Paragraph: "13(i)", Short: "Keep supply chains sound",
		Text: "States should take reasonable steps to ensure the integrity of the supply chain so that end users can have confidence in the security of ICT products. States should seek to prevent the proliferation of malicious ICT tools and techniques and the use of harmful hidden functions."},
	{Letter: "j", Number: 10, Paragraph: "13(j)", Short: "Report vulnerabilities responsibly",
		Text: "States should encourage responsible reporting of ICT vulnerabilities and share associated information on available remedies to such vulnerabilities to limit and possibly eliminate potential threats to ICTs and ICT-dependent infrastructure."},
	{Letter: "k", Number: 11, Paragraph: "13(k)", Short: "Do not harm CERTs and CSIRTs",
		Text: "States should not conduct or knowingly support activity to harm the information systems of the authorized emergency response teams (sometimes known as computer emergency response teams or cybersecurity incident response teams) of another State. A State should not use authorized emergency response teams to engage in malicious international activity."},
}

// Letters returns "a".."k".
func Letters() []string {
	out := make([]string, len(All))
	for i, n := range All {
		out[i] = n.Letter
	}
	return out
}

// ByLetter returns the norm with the given letter (case-insensitive).
func ByLetter(letter string) (Norm, bool) {
	l := strings.ToLower(strings.TrimSpace(letter))
	if len(l) != 1 || l[0] < 'a' || l[0] > 'k' {
		return Norm{}, false
	}
	return All[l[0]-'a'], true
}

// ByNumber returns the norm numbered n (1..11).
func ByNumber(n int) (Norm, bool) {
	if n < 1 || n > len(All) {
		return Norm{}, false
	}
	return All[n-1], true
}

// ParseList parses a comma- or space-separated list of norm letters or
// numbers ("f,g", "6 7", "F") into sorted, de-duplicated letters.
func ParseList(s string) ([]string, error) {
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		n, ok := ByLetter(f)
		if !ok {
			num := 0
			for _, r := range f {
				if r < '0' || r > '9' {
					num = -1
					break
				}
				num = num*10 + int(r-'0')
			}
			if n, ok = ByNumber(num); !ok {
				return nil, &UnknownNormError{Value: f}
			}
		}
		seen[n.Letter] = true
	}
	var out []string
	for _, l := range Letters() {
		if seen[l] {
			out = append(out, l)
		}
	}
	return out, nil
}

// UnknownNormError reports a value that names no norm.
type UnknownNormError struct{ Value string }

func (e *UnknownNormError) Error() string {
	return "unknown norm " + strconv.Quote(e.Value) + ": want a letter a-k or a number 1-11"
}
