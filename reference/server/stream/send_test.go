package stream

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/spec"
)

// sendFrame is a valid send frame with the envelope of the spec's example.
func sendFrame(t *testing.T, ref string) string {
	t.Helper()
	list, err := spec.SchemaExamples("envelope")
	if err != nil || len(list) == 0 {
		t.Fatalf("no envelope example: %v", err)
	}
	return `{"type":"send","ref":"` + ref + `","envelope":` + string(list[0]) + `}`
}

// Without a Sender, a send is answered 503 unavailable: nothing was
// processed and the client may retry with the same idempotency key.
func TestSendWithoutSender(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	c := e.open(t, "alice-token", "", 0)
	c.send(sendFrame(t, "r1"))
	f := c.next()
	if f.Type != "result" || f.Ref != "r1" || f.Status != http.StatusServiceUnavailable || f.Error != "unavailable" {
		t.Fatalf("got %+v, want result r1 503 unavailable", f)
	}
}

// STREAM-SEND-01: a send frame goes to the Sender as the caller, and its
// answer comes back as a result frame with the frame's ref.
func TestSendWithSender(t *testing.T) {
	tests := []struct {
		name   string
		status int
		id     string
		err    error
		want   frame
	}{
		// happy path
		{name: "accepted", status: 202, id: "01HF7YAT00011WPRHPQ49SFGWC",
			want: frame{Type: "result", Ref: "r1", Status: 202, ID: "01HF7YAT00011WPRHPQ49SFGWC"}},
		// sad path
		{name: "refused: not a contact", err: httpapi.Errorf("not_a_contact", "bob accepts contacts only"),
			want: frame{Type: "result", Ref: "r1", Status: 403, Error: "not_a_contact", Message: "bob accepts contacts only"}},
		{name: "refused: moved, with moved_to", err: &httpapi.Error{Code: "moved", Message: "bob moved", MovedTo: "bob#c.test"},
			want: frame{Type: "result", Ref: "r1", Status: 410, Error: "moved", Message: "bob moved", MovedTo: "bob#c.test"}},
		{name: "refused: rate limited, with retry_after", err: &httpapi.Error{Code: "rate_limited", Message: "slow down", RetryAfter: 3},
			want: frame{Type: "result", Ref: "r1", Status: 429, Error: "rate_limited", Message: "slow down", RetryAfter: 3}},
		{name: "a failure that is no answer is internal", err: errors.New("disk on fire"),
			want: frame{Type: "result", Ref: "r1", Status: 500, Error: "internal", Message: "the server failed; retry with the same idempotency key"}},
		{name: "a Sender bug: no error and a non-2xx status", status: 404,
			want: frame{Type: "result", Ref: "r1", Status: 500, Error: "internal", Message: "the server failed; retry with the same idempotency key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, time.Hour, nil)
			var from address.Address
			e.hub.SetSender(func(_ context.Context, f address.Address, envelope []byte) (int, string, error) {
				from = f
				if err := spec.ValidateJSON("envelope", envelope); err != nil {
					t.Errorf("the Sender got %s: %v", envelope, err)
				}
				return tt.status, tt.id, tt.err
			})
			c := e.open(t, "alice-token", "", 0)
			c.send(sendFrame(t, "r1"))
			if f := c.next(); !reflect.DeepEqual(f, tt.want) {
				t.Fatalf("got %+v, want %+v", f, tt.want)
			}
			if from != alice {
				t.Errorf("the Sender got from = %v, want the stream's account", from)
			}
		})
	}
}
