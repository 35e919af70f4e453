"""Every state change of a document is one function here (STYLE rule 1)."""

from vanthu.documents.actions.incoming import (  # noqa: F401
    DuplicateSuspected,
    accept_arrival,
    forward_document,
    mark_read,
    present_to_leader,
    refuse_arrival,
    register_incoming,
)
from vanthu.documents.actions.outgoing import (  # noqa: F401
    add_attachment,
    approve_signature,
    check_form,
    create_draft,
    issue_document,
    outgoing_queue_for,
    remove_attachment,
    replace_draft_file,
    review_content,
    submit_draft,
)
