package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/** Which error response the proxy sends, as HAProxy picks it: the backend's errorfile, the frontend's, the built-in. */
final class ErrorPages {
    private ErrorPages() {}

    static LocalResponse of(FrontendConfig frontend, @Nullable BackendConfig backend, int status) {
        LocalResponse page =
                backend == null ? null : backend.settings().errorFiles().get(status);
        if (page == null) {
            page = frontend.settings().errorFiles().get(status);
        }
        return page != null ? page : LocalResponse.error(status);
    }
}
