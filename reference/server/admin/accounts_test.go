package admin

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/reference/server/store"
)

func TestInvitesAreSingleUseTokens(t *testing.T) {
	l := newLab(t)
	var inv invite
	_ = json.Unmarshal(l.want(request{method: "POST", target: "/emsg/v1/admin/invites"}, 201, ""), &inv)
	if inv.Token == "" || inv.Expires <= 1_700_000_000_000 {
		t.Fatalf("invite %+v", inv)
	}
	use := func() error {
		return l.st.Update(context.Background(), func(tx *store.Tx) error {
			return tx.UseInvite(store.HashToken(inv.Token), inv.Expires-1)
		})
	}
	if err := use(); err != nil {
		t.Fatalf("the new invite does not work: %v", err)
	}
	if err := use(); err == nil {
		t.Fatal("the invite worked twice")
	}
}

func TestListSuspendUnsuspendDelete(t *testing.T) {
	l := newLab(t)
	l.account("alice#a.test", store.StateActive, "tok-alice")
	l.account("bob#a.test", store.StateActive, "tok-bob")
	l.account("gone#a.test", store.StateDeleted, "")
	list := func() []accountEntry {
		var out accountList
		_ = json.Unmarshal(l.want(request{method: "GET", target: "/emsg/v1/admin/accounts"}, 200, ""), &out)
		return out.Accounts
	}
	if got := list(); len(got) != 2 || got[0].Address != "alice#a.test" || got[1].Status != "active" {
		t.Fatalf("accounts %+v, want alice and bob, both active (deleted records are not accounts)", got)
	}

	// Suspending revokes the tokens and closes the streams at once; twice is harmless.
	for range 2 {
		l.want(request{method: "POST", target: "/emsg/v1/admin/accounts/Bob%23A.test/suspend"}, 204, "")
	}
	if l.stateOf("bob#a.test") != store.StateSuspended || l.tokenWorks("tok-bob") || !l.tokenWorks("tok-alice") {
		t.Fatalf("after suspend: state %s, bob's token works %v", l.stateOf("bob#a.test"), l.tokenWorks("tok-bob"))
	}
	if !slices.Contains(l.revoked, "bob#a.test") {
		t.Errorf("bob's streams were not closed: revoked %v", l.revoked)
	}
	if got := list(); got[1].Status != "suspended" {
		t.Errorf("list after suspend: %+v", got)
	}

	// Unsuspending restores the account (it logs in again); twice is harmless.
	for range 2 {
		l.want(request{method: "POST", target: "/emsg/v1/admin/accounts/bob%23a.test/unsuspend"}, 204, "")
	}
	if l.stateOf("bob#a.test") != store.StateActive {
		t.Fatalf("after unsuspend: %s", l.stateOf("bob#a.test"))
	}

	// Deleting purges and reserves the local part (ADMIN-DELETE-01).
	l.want(request{method: "DELETE", target: "/emsg/v1/admin/accounts/alice%23a.test"}, 202, "")
	if l.stateOf("alice#a.test") != store.StateDeleted || l.tokenWorks("tok-alice") {
		t.Fatalf("after delete: %s", l.stateOf("alice#a.test"))
	}
	var until int64
	_ = l.st.View(func(tx *store.Tx) error {
		u, _, err := tx.ReservedUntil("alice")
		until = int64(u)
		return err
	})
	if until < 1_700_000_000_000+180*24*3600*1000 {
		t.Errorf("alice reserved until %d, want 180 days", until)
	}
}

func TestAccountOperationRefusals(t *testing.T) {
	l := newLab(t)
	l.account("gone#a.test", store.StateDeleted, "")
	tests := []struct {
		name, method, target string
		status               int
		code                 string
	}{
		// The path address breaks the grammar.
		{"a bad address", "POST", "/emsg/v1/admin/accounts/no-domain/suspend", 400, "bad_address"},
		// No such account.
		{"no account", "POST", "/emsg/v1/admin/accounts/nobody%23a.test/suspend", 404, "not_found"},
		// An account of another server.
		{"a remote address", "POST", "/emsg/v1/admin/accounts/bob%23b.test/unsuspend", 404, "not_found"},
		// A deleted account is only a record.
		{"a deleted account", "DELETE", "/emsg/v1/admin/accounts/gone%23a.test", 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l.want(request{method: tt.method, target: tt.target}, tt.status, tt.code)
		})
	}
}

func TestStatsCountWhatTheStoreHolds(t *testing.T) {
	l := newLab(t)
	l.account("alice#a.test", store.StateActive, "")
	l.account("bob#a.test", store.StateSuspended, "")
	l.account("gone#a.test", store.StateDeleted, "")
	err := l.st.Update(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.AppendEvent("alice#a.test", []byte(`{"kind":"envelope","envelope":{}}`), 0); err != nil {
			return err
		}
		if _, err := tx.AppendEvent("alice#a.test", []byte(`{"kind":"receipt","receipt":{}}`), 0); err != nil {
			return err
		}
		for _, dest := range []string{"b.test", "b.test", "c.test"} {
			if _, err := tx.Enqueue(dest, []byte(`{}`), 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got statistics
	_ = json.Unmarshal(l.want(request{method: "GET", target: "/emsg/v1/admin/stats"}, 200, ""), &got)
	want := statistics{Accounts: 2, Suspended: 1, Groups: 1, StoredEnvelopes: 1, QueuedItems: 3, Destinations: 2}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
