// Package benchtext generates policy-like text for benchmarks: the norms'
// official sentences mixed with filler written for normtag, so that every
// benchmark and the scripts comparing with other tools read the same text;
// and it finds the real documents benchmarks read.
package benchtext

import (
	"math/rand/v2"
	"strings"

	"github.com/normtag/normtag/internal/norms"
)

// Passages builds about size bytes of policy-like text: the norms'
// official sentences and filler, shuffled.
func Passages(size int) []string {
	var pool []string
	for _, n := range norms.All {
		pool = append(pool, n.Text)
	}
	pool = append(pool,
		"The delegation thanks the Chair for the revised draft and looks forward to the next session of the working group.",
		"Capacity building programmes were funded for three partner countries over the reporting period, with a focus on training.",
		"The ministry published its annual report, which covers budget, staffing and procurement across all agencies and regions.",
		"Our national CERT exchanged indicators with partners, and the regulator audited operators of essential services in the energy sector.",
		"The working group held four informal meetings between sessions, open to all delegations and to accredited stakeholders.",
		"Several delegations asked for more time to consult their capitals before the text is finalised in the coming weeks.",
		"We recall the consensus reports adopted in previous years and the importance of building on what has been agreed.",
		"A regional workshop in the spring brought together diplomats, lawyers and technical experts from eleven countries.",
		"The secretariat circulated a compilation of national views, which is available on the working group's website.",
		"Further discussion is needed on how the international community can support states with limited resources.",
		"Our delegation supports the proposal for a regular institutional dialogue under the auspices of the United Nations.",
	)
	r := rand.New(rand.NewPCG(3, 4))
	var out []string
	total := 0
	for total < size {
		var b strings.Builder
		for s := 0; s < 2+r.IntN(4); s++ {
			b.WriteString(pool[r.IntN(len(pool))])
			b.WriteByte(' ')
		}
		out = append(out, b.String())
		total += b.Len()
	}
	return out
}
