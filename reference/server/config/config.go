package config

import "time"

// Config is everything an operator can set on a reference server.
type Config struct {
	Domain            string        `env:"EMSG_DOMAIN" flag:"domain" default:"" doc:"The domain this server answers for (its accounts are local#domain), in canonical lower-case form. Required."`
	Listen            string        `env:"EMSG_LISTEN" flag:"listen" default:":7000" doc:"The TCP address to listen on. The container contract fixes port 7000."`
	DataDir           string        `env:"EMSG_DATA_DIR" flag:"data-dir" default:"./emsg-data" doc:"The directory of the server's database and server keys; created with mode 0700."`
	Registration      string        `env:"EMSG_REGISTRATION" flag:"registration" default:"open" doc:"Who may register: open, or invite (an admin-issued invite token is required). Once an operator sets the admin policy (policy.json in the data directory), the policy decides."`
	MaxTTL            int           `env:"EMSG_MAX_TTL" flag:"max-ttl" default:"2592000" doc:"The longest envelope ttl accepted, in seconds. Once an operator sets the admin policy (policy.json in the data directory), the policy decides."`
	DefaultTTL        int           `env:"EMSG_DEFAULT_TTL" flag:"default-ttl" default:"604800" doc:"The ttl suggested to clients in the discovery document, in seconds. Once an operator sets the admin policy (policy.json in the data directory), the policy decides."`
	MaxEnvelopeBytes  int           `env:"EMSG_MAX_ENVELOPE_BYTES" flag:"max-envelope-bytes" default:"65536" doc:"The largest envelope accepted (too_large above it)."`
	MaxBodyBytes      int           `env:"EMSG_MAX_BODY_BYTES" flag:"max-body-bytes" default:"1048576" doc:"The largest request body accepted, except account imports (LIMIT-BODY-01)."`
	MaxImportBytes    int           `env:"EMSG_MAX_IMPORT_BYTES" flag:"max-import-bytes" default:"16777216" doc:"The largest account import body accepted."`
	MaxTxnItems       int           `env:"EMSG_MAX_TXN_ITEMS" flag:"max-txn-items" default:"100" doc:"The most items accepted in one federation transaction (at most 100, the protocol's cap)."`
	ReadHeaderTimeout time.Duration `env:"EMSG_READ_HEADER_TIMEOUT" flag:"read-header-timeout" default:"30s" doc:"How long a client may take to send its request headers (LIMIT-HEADER-01, against slowloris)."`
	IdleTimeout       time.Duration `env:"EMSG_IDLE_TIMEOUT" flag:"idle-timeout" default:"120s" doc:"How long an idle keep-alive connection stays open (LIMIT-IDLE-01)."`
	StreamIdleTimeout time.Duration `env:"EMSG_STREAM_IDLE_TIMEOUT" flag:"stream-idle-timeout" default:"90s" doc:"How long a stream stays open without a client frame (LIMIT-IDLE-01)."`
	FederationTimeout time.Duration `env:"EMSG_FEDERATION_TIMEOUT" flag:"federation-timeout" default:"30s" doc:"The longest this server waits on another server for one federation request, connection and answer included: a queued transaction (whose items stay queued and are retried), a discovery document, a key chain, a forwarded signal or a session call. The shorter built-in bounds of the requests a client waits on (10s; 5s for a signal) still apply. Test setups shorten it so that an unreachable peer is given up on at once."`
	SessionAckWait    time.Duration `env:"EMSG_SESSION_ACK_WAIT" flag:"session-ack-wait" default:"30s" doc:"How long an envelope offered on a session socket may stay unacknowledged before the host delivers it through federation instead; at most 30s (SESS-FALLBACK-01). Test setups shorten it."`
	RateRegister      int           `env:"EMSG_RATE_REGISTER" flag:"rate-register" default:"60000" doc:"Registrations per minute per client network address (LIMIT-RATE-02); the excess gets 429 rate_limited with retry_after. 0 turns the limit off. An admin policy that names this limit overrides it."`
	RateLogin         int           `env:"EMSG_RATE_LOGIN" flag:"rate-login" default:"60000" doc:"Login challenges and logins per minute per client network address (LIMIT-RATE-02). 0 turns the limit off. An admin policy that names this limit overrides it."`
	RateMessages      int           `env:"EMSG_RATE_MESSAGES" flag:"rate-messages" default:"60000" doc:"Envelopes sent per minute per account, by POST /messages and stream send frames together (LIMIT-RATE-02; the admin policy's rate_limits.messages). 0 turns the limit off. An admin policy that names this limit overrides it."`
	RateFederation    int           `env:"EMSG_RATE_FEDERATION" flag:"rate-federation" default:"600000" doc:"Federation transactions per minute per origin domain, counted after the signature verifies. 0 turns the limit off. An admin policy that names this limit overrides it."`
	Features          []string      `env:"EMSG_FEATURES" flag:"features" default:"core,federation,groups,sessions,retention,migration,signals,admin" doc:"The profiles and features this server advertises in its discovery document."`
	AdminKeys         []string      `env:"EMSG_ADMIN_KEYS" flag:"admin-keys" default:"" doc:"Operator keys allowed on the admin API, as ed25519:<id>=<base64url public key>, comma-separated."`
	TLSCert           string        `env:"EMSG_TLS_CERT" flag:"tls-cert" default:"" doc:"A PEM certificate file; with EMSG_TLS_KEY the server speaks HTTPS. Without them it speaks plain HTTP, which peers accept only through a resolver table."`
	TLSKey            string        `env:"EMSG_TLS_KEY" flag:"tls-key" default:"" doc:"The PEM private key file of EMSG_TLS_CERT."`
	SessionTicketTTL  time.Duration `env:"EMSG_SESSION_TICKET_TTL" flag:"session-ticket-ttl" default:"24h" doc:"How long a session ticket this server issues lives, from 1s to 24h (SESS-TICKET-02); a session ends with its ticket. Test setups shorten it so that a ticket's expiry can be watched (the conformance suite's FED-QUEUE-09 case gives a server it launches a few seconds)."`
}
