// Command tagger measures the norm tagger's throughput on generated text
// and writes that text and the rules' phrases to files, so that run.sh
// can time grep -F over the same input in the same run.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/normtag/normtag/internal/benchtext"
	"github.com/normtag/normtag/pipeline/tag"
)

func main() {
	mb := flag.Int("mb", 100, "megabytes of text")
	textOut := flag.String("text", "", "write the text here (one passage per line)")
	phrasesOut := flag.String("phrases", "", "write the rules' phrases here")
	flag.Parse()
	tg, err := tag.Default()
	if err != nil {
		log.Fatal(err)
	}
	passages := benchtext.Passages(*mb << 20)
	total := 0
	for _, p := range passages {
		total += len(p)
	}
	if *textOut != "" {
		if err := os.WriteFile(*textOut, []byte(strings.Join(passages, "\n")+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *phrasesOut != "" {
		if err := os.WriteFile(*phrasesOut, []byte(strings.Join(tg.Phrases(), "\n")+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	// Three passes, the median reported: the first also pays for warming
	// caches and pools, which a long ingest pays once.
	// The CPU time of each pass is reported too: on a machine other work
	// loads, wall time counts the waits for a core, CPU time does not.
	var times, cpuTimes []float64
	tags := 0
	for range 3 {
		start := time.Now()
		cpu0, cpuOK := processCPU()
		tags = 0
		for _, p := range passages {
			tags += len(tg.TagText(p))
		}
		times = append(times, time.Since(start).Seconds())
		if cpu1, ok := processCPU(); ok && cpuOK {
			cpuTimes = append(cpuTimes, (cpu1 - cpu0).Seconds())
		}
	}
	sort.Float64s(times)
	secs := times[1]
	// MB is 10^6 bytes, as in go test -bench; MiB/s is given too.
	fmt.Printf("normtag tagger: %d passages, %.1f MB in %.2fs (median of 3 passes) = %.1f MB/s = %.1f MiB/s (one core), %d tags, %d phrases\n",
		len(passages), float64(total)/1e6, secs, float64(total)/1e6/secs, float64(total)/(1<<20)/secs, tags, len(tg.Phrases()))
	if len(cpuTimes) == 3 {
		sort.Float64s(cpuTimes)
		fmt.Printf("CPU time per pass (median, all threads): %.2fs = %.1f MB per CPU-second\n", cpuTimes[1], float64(total)/1e6/cpuTimes[1])
	}
	fmt.Printf("seconds %.4f\n", secs)
}
