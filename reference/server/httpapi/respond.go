package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
)

// WriteJSON answers with status and v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		slog.Error("encode answer", "err", err)
		WriteError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteError answers with err in the spec's error shape (see [AsError]),
// adding the Retry-After header that rate_limited requires, and the one an
// unavailable answer names in [Error].Wait.
func WriteError(w http.ResponseWriter, err error) {
	e := AsError(err)
	if e.Code == "internal" {
		slog.Error("internal error", "err", err)
	}
	switch {
	case e.RetryAfter > 0:
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	case e.Wait > 0:
		w.Header().Set("Retry-After", strconv.Itoa(e.Wait))
	}
	body, _ := json.Marshal(e) // an Error always encodes
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status())
	_, _ = w.Write(body)
}
