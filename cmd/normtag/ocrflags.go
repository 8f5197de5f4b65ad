package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/pipeline/extract/ocr"
)

// ocrFlags are the flags of the commands that extract files.
func ocrFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "ocr", Value: string(ocr.Auto), Usage: "read PDF pages by OCR (Tesseract): auto (pages without text, when tesseract is installed), never, always (every page, replacing its text layer)"},
		&cli.StringFlag{Name: "ocr-lang", Usage: "Tesseract language(s) for OCR, e.g. fra or eng+fra (default: detected per document from its first scanned page among the installed eng, fra, spa, ara, rus, chi_sim)"},
		&cli.DurationFlag{Name: "ocr-page-timeout", Value: ocr.DefaultPageTimeout, Usage: "time limit for reading one page by OCR"},
		&cli.DurationFlag{Name: "ocr-timeout", Value: ocr.DefaultDocumentTimeout, Usage: "time limit for reading all the scanned pages of one document by OCR (on top of --timeout, counted from when OCR starts)"},
	}
}

// ocrConfig finds the OCR tools for the command's flags. Without
// Tesseract, auto gives a config that reads nothing (scans then fail as
// no-text with the install hint); always is an error.
func ocrConfig(c *cli.Context) (ocr.Config, error) {
	mode, err := ocr.ParseMode(c.String("ocr"))
	if err != nil {
		return ocr.Config{}, usagef("--ocr: %v", err)
	}
	cfg, err := ocr.Find(c.Context, mode, c.String("ocr-lang"))
	if err != nil {
		return ocr.Config{}, fmt.Errorf("ocr: %w", err)
	}
	if d := c.Duration("ocr-page-timeout"); d > 0 {
		cfg.PageTimeout = d
	}
	if d := c.Duration("ocr-timeout"); d > 0 {
		cfg.DocumentTimeout = d
	}
	return cfg, nil
}
