// Command wordf1 prints the word F1 of a text file against a reference.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/normtag/normtag/internal/wordf1"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: wordf1 GOT WANT")
	}
	got, err := os.ReadFile(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	want, err := os.ReadFile(os.Args[2])
	if err != nil {
		log.Fatal(err)
	}
	_, _, f1 := wordf1.Score(string(got), string(want))
	fmt.Printf("%.4f\n", f1)
}
