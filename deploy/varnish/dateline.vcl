# Varnish in front of Dateline's app instances (or of nginx): keeps the pages
# anonymous readers see, for as long as Dateline's s-maxage says, and drops
# them when Dateline purges their keys after a comment, edit, vote or
# moderation decision. Set on every app instance:
#   DATELINE_CDN_MAX_AGE=300
#   DATELINE_CDN_PURGE=varnish
#   DATELINE_CDN_PURGE_URLS=http://VARNISH_HOST:PORT/   (each Varnish)
# Values in double braces are filled in by hand on a real host (the test
# suite fills them: dateline/stack.py, varnish_vcl): backends, one block
# each; backend_adds, one "app.add_backend(NAME);" each; purgers, the
# addresses of the app hosts.
vcl 4.1;

import directors;

{{backends}}

acl purgers {
{{purgers}}
}

sub vcl_init {
    new app = directors.round_robin();
{{backend_adds}}
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed"));
        }
        if (!req.http.X-Dateline-Purge) {
            return (synth(400, "X-Dateline-Purge is missing"));
        }
        # Every kept page whose xkey header names the key (with the xkey vmod
        # from varnish-modules, xkey.purge does the same).
        ban("obj.http.xkey ~ (^|\s)" + req.http.X-Dateline-Purge + "(\s|$)");
        return (synth(200, "Banned"));
    }
    # Reading, the CSRF cookie changes nothing: a reader who once sent a form
    # still gets the shared page. Other cookies (signed in, a guest's key)
    # make the request Varnish's builtin rules pass to Dateline.
    if ((req.method == "GET" || req.method == "HEAD") && req.http.Cookie) {
        set req.http.Cookie = regsuball(req.http.Cookie, "(^|;\s*)csrftoken=[^;]*", "");
        set req.http.Cookie = regsub(req.http.Cookie, "^;\s*", "");
        if (req.http.Cookie ~ "^\s*$") {
            unset req.http.Cookie;
        }
    }
}

sub vcl_backend_response {
    # Only what Dateline marks for shared caches is kept (its Cache-Control
    # says how long); everything else goes to the reader uncached.
    if (!beresp.http.Cache-Control || beresp.http.Cache-Control !~ "s-maxage") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    unset resp.http.xkey;
}
