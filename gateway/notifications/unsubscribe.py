"""One-click unsubscribe from an ask's answers (RFC 8058): the link in an email's
List-Unsubscribe header. A POST (the mail client's one click, or the page's button)
unsubscribes; a GET only shows the button, since link scanners follow GETs. The
notifications service checks the signed token and keeps the opt-out."""
import html

from werkzeug.wrappers import Response

from ..errors import code_and_message, log_answer

STATUS = {"BAD_USER_INPUT": 400, "FORBIDDEN": 403, "UNAVAILABLE": 503}
MAX_BODY = 1000  # "List-Unsubscribe=One-Click" is all a client sends


def _page(text: str, status: int = 200, button: bool = False) -> Response:
    form = ('<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
            '<button type="submit">Unsubscribe</button></form>') if button else ""
    body = f"<!doctype html><title>Clearinghouse</title><p>{html.escape(text)}</p>{form}"
    return Response(body, status=status, mimetype="text/html")


def confirm() -> Response:
    return _page("Stop the emails of new answers to this ask?", button=True)


def unsubscribe(request, services, token: str) -> Response:
    if (request.content_length or 0) > MAX_BODY:
        return _page("The request is too large; send List-Unsubscribe=One-Click.", 413)
    try:
        services.call("notifications", "unsubscribe", token)
    except Exception as exc:  # every failure is an answer here, like a GraphQL error
        code, message = code_and_message(exc)
        log_answer(code, message)
        return _page(message, STATUS.get(code, 500))
    return _page("Done: you will get no more emails of answers to this ask.")
