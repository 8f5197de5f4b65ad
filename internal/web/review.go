package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/textcut"
)

// Review mode: with it (serve --review) analysts record judgements from
// the page. Every write needs the review token, which is never put in a
// URL: a person gives it once in the login form (POST) and gets a
// session cookie (HttpOnly, SameSite=Strict) and a CSRF token that the
// page sends in a header; a script sends it as a bearer token. Writes
// from another origin are refused whatever they carry. Without review
// mode none of these routes exist.

// ReviewTokenEnv names the environment variable that may give the token.
const ReviewTokenEnv = "NORMTAG_REVIEW_TOKEN"

// MinReviewTokenLength is the shortest token accepted from the
// environment: the token is all that guards writes.
const MinReviewTokenLength = 16

// reviewCookie holds a review session's id.
const reviewCookie = "normtag_review"

// csrfHeader carries a session's CSRF token on writes.
const csrfHeader = "X-CSRF-Token"

// sessionTTL is how long a review session lasts without being renewed.
const sessionTTL = 12 * time.Hour

// maxJudgementBody bounds the JSON of one judgement.
const maxJudgementBody = 16 << 10

// maxNoteRunes and maxNameRunes bound what an analyst types.
const (
	maxNoteRunes = 500
	maxNameRunes = 100
)

// ReviewOptions turns on review mode.
type ReviewOptions struct {
	// Token is the secret that admits writers (GenerateReviewToken makes
	// one).
	Token string
	// OpenWriter opens the data directory for writing for one judgement;
	// the server closes it at once, so that ingest, retag and others get
	// the directory between judgements.
	OpenWriter func(ctx context.Context) (*datadir.Dir, error)
}

// reviewMode is the state of review mode.
type reviewMode struct {
	token      []byte
	openWriter func(ctx context.Context) (*datadir.Dir, error)
	// writing admits one judgement at a time.
	writing sync.Mutex

	mu       sync.Mutex
	sessions map[string]*session
}

// session is a logged-in analyst.
type session struct {
	by      string
	csrf    string
	expires time.Time
}

// GenerateReviewToken returns a random token for review mode.
func GenerateReviewToken() string { return randomToken() }

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// EnableReview turns on review mode: the login page, the judgement
// endpoint and review buttons on document pages.
func (s *Server) EnableReview(opts ReviewOptions) error {
	if len(opts.Token) < MinReviewTokenLength {
		return fmt.Errorf("the review token must be at least %d characters", MinReviewTokenLength)
	}
	if opts.OpenWriter == nil {
		return errors.New("review mode needs a way to open the data directory for writing")
	}
	s.review = &reviewMode{token: []byte(opts.Token), openWriter: opts.OpenWriter, sessions: map[string]*session{}}
	s.mux.HandleFunc("GET /review", s.pageLogin)
	s.mux.HandleFunc("POST /review/login", s.reviewLogin)
	s.mux.HandleFunc("POST /review/logout", s.reviewLogout)
	s.mux.HandleFunc("GET /api/judgements", s.apiJudgements)
	s.mux.HandleFunc("POST /api/judgements", s.apiJudge)
	return nil
}

// sameOrigin refuses a request another origin sent. A browser that says
// where a request comes from (Sec-Fetch-Site) must say same-origin; one
// that does not is judged by its Origin header, which browsers send with
// every cross-origin POST. The pages' Referrer-Policy makes some browsers
// send "Origin: null" even from this origin: that is accepted only with
// Sec-Fetch-Site's word for it. A client with neither header is not a
// browser, and the token or CSRF checks alone apply to it.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return origin == "" || origin == "null" || originIsHost(origin, r)
	case "":
		return origin == "" || originIsHost(origin, r)
	}
	return false
}

// originIsHost reports whether an Origin header names the server the
// request was sent to.
func originIsHost(origin string, r *http.Request) bool {
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return u.Scheme == scheme && strings.EqualFold(u.Host, r.Host)
}

// sameOriginReferrers lets a review page's own writes carry its origin:
// the server's no-referrer policy makes browsers send "Origin: null" on
// same-origin POSTs, which older ones do without Sec-Fetch-Site.
func sameOriginReferrers(w http.ResponseWriter) {
	w.Header().Set("Referrer-Policy", "same-origin")
}

func (m *reviewMode) validToken(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), m.token) == 1
}

// sessionOf returns the request's live session, if any.
func (m *reviewMode) sessionOf(r *http.Request) *session {
	c, err := r.Cookie(reviewCookie)
	if err != nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ss := m.sessions[c.Value]
	if ss == nil {
		return nil
	}
	if time.Now().After(ss.expires) {
		delete(m.sessions, c.Value)
		return nil
	}
	return ss
}

// reviewPage is what a page needs to show review controls: nil outside
// review mode, a login link without a session.
type reviewPage struct {
	By   string
	CSRF string
}

// reviewFor is the review state of a page request.
func (s *Server) reviewFor(r *http.Request) (enabled bool, page *reviewPage) {
	if s.review == nil {
		return false, nil
	}
	if ss := s.review.sessionOf(r); ss != nil {
		return true, &reviewPage{By: ss.by, CSRF: ss.csrf}
	}
	return true, nil
}

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if !localPath(next) {
		next = "/"
	}
	sameOriginReferrers(w)
	s.render(w, "login.html", map[string]any{"Next": next, "Error": r.URL.Query().Get("error") != ""})
}

// localPath reports whether p is a path on this server, so that a login
// never redirects elsewhere.
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.ContainsAny(p, "\\\r\n")
}

func (s *Server) reviewLogin(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, errCrossOrigin)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxJudgementBody)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, errors.New("bad login form"))
		return
	}
	next := r.PostForm.Get("next")
	if !localPath(next) {
		next = "/"
	}
	by := strings.TrimSpace(r.PostForm.Get("by"))
	if !s.review.validToken(r.PostForm.Get("token")) || by == "" || len([]rune(by)) > maxNameRunes {
		s.log.Warn("review login refused", "remote", r.RemoteAddr)
		http.Redirect(w, r, "/review?error=1&next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	id := randomToken()
	s.review.mu.Lock()
	now := time.Now()
	for k, ss := range s.review.sessions {
		if now.After(ss.expires) {
			delete(s.review.sessions, k)
		}
	}
	s.review.sessions[id] = &session{by: by, csrf: randomToken(), expires: now.Add(sessionTTL)}
	s.review.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: reviewCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil, MaxAge: int(sessionTTL / time.Second)})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) reviewLogout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, errCrossOrigin)
		return
	}
	if c, err := r.Cookie(reviewCookie); err == nil {
		s.review.mu.Lock()
		delete(s.review.sessions, c.Value)
		s.review.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: reviewCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

var (
	errCrossOrigin  = errors.New("refused: the request comes from another origin")
	errUnauthorized = errors.New("review needs the review token: log in at /review, or send it as Authorization: Bearer TOKEN")
	errCSRF         = errors.New("refused: the page's CSRF token is missing or wrong (reload the page)")
)

// writer authorises a write: a bearer token, or a session cookie with
// its CSRF token in the header. It returns who writes.
func (s *Server) writer(r *http.Request) (string, int, error) {
	if !sameOrigin(r) {
		return "", http.StatusForbidden, errCrossOrigin
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		t, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || !s.review.validToken(t) {
			return "", http.StatusUnauthorized, errUnauthorized
		}
		return "", 0, nil
	}
	ss := s.review.sessionOf(r)
	if ss == nil {
		return "", http.StatusUnauthorized, errUnauthorized
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(ss.csrf)) != 1 {
		return "", http.StatusForbidden, errCSRF
	}
	return ss.by, 0, nil
}

// judgementRequest is the body of POST /api/judgements.
type judgementRequest struct {
	Doc     string `json:"doc"`
	Passage *int   `json:"passage"`
	Norm    string `json:"norm"`
	// Verdict is accept, reject, add, or withdraw (the judgement on the
	// norm is removed and the rules' tag applies again).
	Verdict string `json:"verdict"`
	Note    string `json:"note"`
	// By names the analyst; a session's name is used when absent.
	By string `json:"by"`
}

// withdraw is the verdict that removes a judgement.
const withdraw = "withdraw"

func (s *Server) apiJudge(w http.ResponseWriter, r *http.Request) {
	by, status, err := s.writer(r)
	if err != nil {
		writeError(w, status, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusUnsupportedMediaType, errors.New("send the judgement as application/json"))
		return
	}
	var req judgementRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJudgementBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("judgement: %w", err))
		return
	}
	if b := strings.TrimSpace(req.By); b != "" {
		by = b
	}
	j, err := checkJudgement(req, by)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	saved, found, err := s.judge(r.Context(), j, req.Verdict == withdraw)
	switch {
	case errors.Is(err, datadir.ErrLocked):
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, errors.New("another normtag writer (ingest, retag, reindex or check) is running; try again when it is done"))
	case errors.Is(err, corpus.ErrNotFound), errors.Is(err, sqlite.ErrNoPassage):
		writeError(w, http.StatusNotFound, err)
	case err != nil:
		s.fail(w, err)
	case req.Verdict == withdraw:
		writeJSON(w, map[string]any{"withdrawn": found})
	default:
		s.log.Info("judgement", "doc", j.DocID, "passage", j.Seq, "norm", j.Norm, "verdict", j.Verdict, "by", j.By)
		writeJSON(w, judgementView(saved))
	}
}

// checkJudgement validates a request into a judgement.
func checkJudgement(req judgementRequest, by string) (corpus.Judgement, error) {
	var j corpus.Judgement
	if !index.DocumentID(req.Doc) {
		return j, errors.New("doc: a document id is 64 hexadecimal characters")
	}
	if req.Passage == nil || *req.Passage < 0 {
		return j, errors.New("passage: the passage number (0 and up) is missing")
	}
	if _, ok := norms.ByLetter(req.Norm); !ok {
		return j, fmt.Errorf("norm: %q is not a norm letter (a to k)", req.Norm)
	}
	j = corpus.Judgement{DocID: req.Doc, Seq: *req.Passage, Norm: req.Norm, By: by, Note: strings.TrimSpace(req.Note)}
	if req.Verdict != withdraw {
		v, err := corpus.ParseVerdict(req.Verdict)
		if err != nil {
			return j, fmt.Errorf("verdict: %q must be accept, reject, add or withdraw", req.Verdict)
		}
		j.Verdict = v
		if by == "" {
			return j, errors.New("by: say who judges")
		}
	}
	if len([]rune(j.Note)) > maxNoteRunes || len([]rune(j.By)) > maxNameRunes {
		return j, fmt.Errorf("note or by too long (at most %d and %d characters)", maxNoteRunes, maxNameRunes)
	}
	return j, nil
}

// judge records (or withdraws) a judgement through a writer of the data
// directory opened for it alone, one at a time.
func (s *Server) judge(ctx context.Context, j corpus.Judgement, withdrawIt bool) (*corpus.Judgement, bool, error) {
	s.review.writing.Lock()
	defer s.review.writing.Unlock()
	d, err := s.review.openWriter(ctx)
	if err != nil {
		return nil, false, err
	}
	defer d.Close()
	if withdrawIt {
		found, err := d.Unjudge(ctx, j.DocID, j.Seq, j.Norm)
		return nil, found, err
	}
	saved, err := d.Judge(ctx, j)
	return saved, true, err
}

// judgementJSON is a judgement as the API shows it.
type judgementJSON struct {
	*corpus.Judgement
	Disagrees bool     `json:"disagrees"`
	Overrides []string `json:"overrides,omitempty"`
}

func judgementView(j *corpus.Judgement) judgementJSON {
	j.Text = textcut.Runes(j.Text, TextRunes)
	return judgementJSON{Judgement: j, Disagrees: j.Disagrees(), Overrides: j.Overrides()}
}

// apiJudgements lists the judgements on a document (?doc=ID) or on all.
func (s *Server) apiJudgements(w http.ResponseWriter, r *http.Request) {
	doc := r.URL.Query().Get("doc")
	if doc != "" && !index.DocumentID(doc) {
		writeError(w, http.StatusBadRequest, errors.New("doc: a document id is 64 hexadecimal characters"))
		return
	}
	js, err := s.data.Store.Judgements(r.Context(), doc)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := make([]judgementJSON, 0, len(js))
	for _, j := range js {
		out = append(out, judgementView(j))
	}
	writeJSON(w, map[string]any{"judgements": out})
}
