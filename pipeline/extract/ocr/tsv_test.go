package ocr

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseTSV(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t0\t0\t1\t40\t90\tStates\n" +
		"5\t1\t1\t1\t1\t2\t0\t0\t1\t50\t80\tshould\n" +
		"5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tnot\n" +
		"5\t1\t1\t2\t1\t1\t0\t0\t1\t1\t60\t规范\n" +
		"5\t1\t1\t2\t1\t2\t0\t0\t1\t1\t100\t（g）\n" +
		"5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t-1\t \n" +
		"5\t1\t2\t1\t1\t2\t0\t0\t1\t1\t100\tend\n"
	got := parseTSV([]byte(tsv), 144)
	want := "States should\nnot\n\n规范（g）\n\nend"
	if got.text != want {
		t.Errorf("text %q, want %q", got.text, want)
	}
	if got.words != 6 || got.conf != 500.0/6 {
		t.Errorf("%d words, confidence %v; want 6 words, %v", got.words, got.conf, 500.0/6)
	}
	// Lines keep the words read with confidence that hold a letter or
	// digit, and the tallest word's height in points (50 px at 144 dpi).
	var lines []string
	for _, l := range got.lines {
		lines = append(lines, fmt.Sprintf("%s/%g", l.Text, l.Height))
	}
	if g, w := strings.Join(lines, " | "), "States should/25 | not/0.5 | （g）/0.5 | end/0.5"; g != w {
		t.Errorf("lines %q, want %q", g, w)
	}
	if p := parseTSV([]byte("not a tsv\n5\t1\n"), 144); p.text != "" || p.words != 0 {
		t.Errorf("output without Tesseract's header read as %+v", p)
	}
}

func TestLatinLanguage(t *testing.T) {
	langs := []string{"eng", "fra", "spa"}
	for text, want := range map[string]string{
		"States should protect the integrity of the supply chain":            "eng",
		"Les États doivent protéger l'intégrité de la chaîne et des réseaux": "fra",
		"Los Estados deben proteger la integridad de las redes y del":        "spa",
		"": "eng",
	} {
		if got := latinLanguage(text, langs); got != want {
			t.Errorf("%q: %s, want %s", text, got, want)
		}
	}
}
