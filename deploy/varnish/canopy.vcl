# Varnish in front of Canopy: caches what Canopy marks `Cache-Control: public` (GET
# reads of public queries) and purges by surrogate key when Canopy calls it with
#   CANOPY_PURGE_URL=http://<varnish>/  CANOPY_PURGE_METHOD=PURGE
#   CANOPY_PURGE_HEADERS='Surrogate-Key: {keys}'
# Without the xkey vmod (varnish-modules), a purge bans every object whose
# `Surrogate-Key` header holds one of the keys (space-separated, whole words).
# The backend below is replaced by whoever starts Varnish (the tests, bench/).
vcl 4.1;

backend canopy {
    .host = "CANOPY_HOST";
    .port = "CANOPY_PORT";
}

# Who may purge: Canopy's replicas (adjust to their addresses).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.Surrogate-Key !~ "^[A-Za-z0-9:. -]+$") {
            return (synth(400, "Surrogate-Key must list keys"));
        }
        # "a b c" -> (^|\s)(a|b|c)(\s|$): any of the keys as a whole word
        ban("obj.http.Surrogate-Key ~ (^|\s)(" + regsuball(regsuball(req.http.Surrogate-Key, "^ +| +$", ""), " +", "|") + ")(\s|$)");
        return (synth(200, "Purged"));
    }
    # The built-in logic follows: requests with Authorization or Cookie, and any
    # method but GET and HEAD, go to Canopy every time.
}

sub vcl_backend_response {
    # Only what Canopy marks public is kept; private responses are never stored.
    if (beresp.http.Cache-Control !~ "(^|[ ,])public([ ,]|$)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
}

sub vcl_deliver {
    # Surrogate keys are for the cache, not for browsers.
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
