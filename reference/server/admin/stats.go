package admin

import (
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/server/store"
)

// statistics is admin-stats.json.
type statistics struct {
	Accounts        int `json:"accounts"`
	Suspended       int `json:"suspended"`
	Groups          int `json:"groups"`
	StoredEnvelopes int `json:"stored_envelopes"`
	QueuedItems     int `json:"queued_items"`
	Destinations    int `json:"destinations"`
}

// stats answers GET /admin/stats from one consistent read of the store.
func (s *Service) stats(*http.Request, []byte) (int, any, error) {
	var n store.Counts
	err := s.st.View(func(tx *store.Tx) error {
		var err error
		n, err = tx.Count()
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("statistics: %w", err)
	}
	out := statistics{Accounts: n.Accounts, Suspended: n.Suspended, StoredEnvelopes: n.Envelopes, QueuedItems: n.QueuedItems, Destinations: n.Destinations}
	if s.hooks.Groups != nil {
		out.Groups = s.hooks.Groups()
	}
	return http.StatusOK, out, nil
}
