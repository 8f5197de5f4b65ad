package index

import (
	"errors"
	"strings"
	"testing"
)

// Patterns that would walk the whole term dictionary are refused with a
// message saying what to write instead; patterns with a literal prefix
// pass, in any position of a compound query.
func TestValidateRefusesPatternsWithoutALiteralPrefix(t *testing.T) {
	for q, ok := range map[string]bool{
		"*a*":                       false,
		"a*":                        false,
		"cy*":                       false,
		"cyb*":                      true,
		"text:cyber*":               true,
		"title:*port":               false,
		"?yber":                     false,
		"/.*a/":                     false,
		"/ab.*/":                    false,
		"/cyber.*/":                 true,
		"/(cyber)+s/":               true,
		"/cyber|x/":                 false,
		"state~1":                   true,
		"st~2":                      false,
		"supply +chain -*ware":      false,
		"supply chain":              true,
		`"critical infrastructure"`: true,
		"norm:f +(x* OR infra*)":    false,
		"":                          true,
	} {
		err := (&Request{Query: q}).Validate()
		if ok {
			if err != nil {
				t.Errorf("%q: want valid, got %v", q, err)
			}
			continue
		}
		var re *RequestError
		var qe *QueryError
		if !errors.As(err, &re) || re.Field != "query" || !errors.As(err, &qe) {
			t.Errorf("%q: want a query error, got %v", q, err)
			continue
		}
		if !strings.Contains(err.Error(), "at least 3") {
			t.Errorf("%q: the message should say how many letters: %v", q, err)
		}
	}
}

// The API's lower page bound is reported in the same words as the command
// line's, with its own number.
func TestParamsMaxLimitPerSurface(t *testing.T) {
	_, err := Params{Limit: "101", MaxLimit: APIMaxLimit}.Request()
	var re *RequestError
	if !errors.As(err, &re) || re.Field != "limit" || !strings.Contains(err.Error(), "(100 over HTTP), got 101") {
		t.Fatalf("API limit 101: got %v", err)
	}
	if _, err := (Params{Limit: "101"}).Request(); err != nil {
		t.Fatalf("command line limit 101: %v", err)
	}
	if _, err := (Params{Limit: "100", MaxLimit: APIMaxLimit}).Request(); err != nil {
		t.Fatalf("API limit 100: %v", err)
	}
}
