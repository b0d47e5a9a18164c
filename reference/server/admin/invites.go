package admin

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Invite tokens: 256 random bits, valid for a week.
const (
	inviteBytes    = 32
	inviteLifetime = 7 * 24 * time.Hour
)

// invite is admin-invite.json.
type invite struct {
	Token   string      `json:"token"`
	Expires wire.Millis `json:"expires"`
}

// createInvite answers POST /admin/invites (ADMIN-INVITE-01): the token is
// stored by its hash only, so the answer is the one place it appears.
func (s *Service) createInvite(r *http.Request, _ []byte) (int, any, error) {
	raw := make([]byte, inviteBytes)
	s.randMu.Lock()
	_, err := io.ReadFull(s.deps.Rand, raw)
	s.randMu.Unlock()
	if err != nil {
		return 0, nil, fmt.Errorf("invite token: %w", err)
	}
	inv := invite{Token: wire.EncodeBytes(raw), Expires: s.deps.Millis() + wire.Millis(inviteLifetime.Milliseconds())}
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		return tx.PutInvite(store.HashToken(inv.Token), inv.Expires)
	})
	if err != nil {
		return 0, nil, fmt.Errorf("store invite: %w", err)
	}
	return http.StatusCreated, inv, nil
}
