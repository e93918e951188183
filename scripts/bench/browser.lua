-- Asks as a browser does, for a compressed answer (brotli where the server offers it).
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
