package spec

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestValidateExchangeConcurrentFreshCaches hammers fresh validators, whose
// pattern memos start empty, from several goroutines at once: the exchange
// table plus key lookups of many distinct addresses, valid and not, so
// that the memos fill while they are read. Every answer must be the one
// the table expects (run with go test -race).
func TestValidateExchangeConcurrentFreshCaches(t *testing.T) {
	fresh := map[API]*validator{}
	for _, api := range APIs {
		v, err := newValidator(api)
		if err != nil {
			t.Fatal(err)
		}
		fresh[api] = v
	}
	table := append(exchanges(t), addressLookups(200)...)
	const workers = 8
	errs := make(chan error, workers*len(table))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range table {
				x := table[(i+w*len(table)/workers)%len(table)] // each worker starts elsewhere
				err := fresh[x.api].validateExchange(exchangeRequest(x), x.body, exchangeResponse(x), x.respBody)
				if (err == nil) != (x.wantPhase == "") {
					errs <- fmt.Errorf("%s: got %v, want phase %q", x.name, err, x.wantPhase)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// addressLookups returns n key lookups of distinct addresses, every third
// one written with "@" for "#", which the path address pattern refuses.
func addressLookups(n int) []exchange {
	out := make([]exchange, 0, n)
	for i := range n {
		x := exchange{name: fmt.Sprintf("lookup %d", i), api: ClientAPI, method: "GET",
			target: fmt.Sprintf("/emsg/v1/keys/user%d%%23a.test", i), header: bearer,
			status: 404, respHeader: jsonType, respBody: errorBody("not_found", "no such account"), wantOp: "getKeys"}
		if i%3 == 0 {
			x.target = fmt.Sprintf("/emsg/v1/keys/user%d@a.test", i)
			x.wantPhase = PhaseRequest
		}
		out = append(out, x)
	}
	return out
}

// exchangeRequest and exchangeResponse build x's messages afresh, as a
// suite does for every exchange.
func exchangeRequest(x exchange) *http.Request {
	req := httptest.NewRequest(x.method, x.target, nil)
	req.Header = x.header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	return req
}

func exchangeResponse(x exchange) *http.Response {
	if x.status == 0 {
		return nil
	}
	resp := &http.Response{StatusCode: x.status, Header: x.respHeader.Clone()}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	return resp
}

// TestMemoRegexp checks the pattern memo against the plain pattern from
// several goroutines: same answers, at most memoMaxEntries texts remembered
// (plus one per goroutine that raced past the bound), and long texts never
// remembered.
func TestMemoRegexp(t *testing.T) {
	const pattern = `^[a-z0-9]+#[a-z]+\.test$`
	plain := regexp.MustCompile(pattern)
	engine, err := memoRegexpEngine(pattern)
	if err != nil {
		t.Fatal(err)
	}
	memo := engine.(*memoRegexp)
	if _, err := memoRegexpEngine(`(`); err == nil {
		t.Error("a pattern that does not compile was accepted")
	}
	texts := []string{strings.Repeat("a", memoMaxText+1) + "#a.test"}
	for i := range 3 * memoMaxEntries {
		texts = append(texts, fmt.Sprintf("u%d#a.test", i), fmt.Sprintf("U%d#a.test", i))
	}
	const workers = 4
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for round := range 2 { // the second round reads what the first stored
				for _, s := range texts {
					if memo.MatchString(s) != plain.MatchString(s) {
						t.Errorf("round %d: %q: memo and pattern disagree", round, s)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if n := memo.size.Load(); n < memoMaxEntries || n > memoMaxEntries+workers {
		t.Errorf("%d texts remembered, want %d (+ at most %d)", n, memoMaxEntries, workers)
	}
	if _, ok := memo.memo.Load(texts[0]); ok {
		t.Errorf("a text of %d bytes was remembered", len(texts[0]))
	}
	if memo.String() != pattern {
		t.Errorf("String() = %q, want the pattern", memo.String())
	}
}
