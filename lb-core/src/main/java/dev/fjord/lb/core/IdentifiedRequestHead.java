package dev.fjord.lb.core;

/** A request with the unique ID its frontend's {@code unique-id-format} made for it. Immutable when the base is. */
final class IdentifiedRequestHead extends ForwardingRequestHead {
    private final String uniqueId;

    IdentifiedRequestHead(RequestHead base, String uniqueId) {
        super(base);
        this.uniqueId = uniqueId;
    }

    @Override
    public String uniqueId() {
        return uniqueId;
    }
}
