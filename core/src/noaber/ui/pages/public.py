"""Pages anyone can open: the start page, asking for help, signing up to help."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlmodel import Session

from noaber.people.models import HelperKind, HelperStatus
from noaber.people.schemas import HelperIn, PersonIn
from noaber.people.services import create_helper, create_person
from noaber.platform import TenantRuntime
from noaber.requests.models import AskedBy
from noaber.requests.schemas import RequestIn
from noaber.requests.services import create_request
from noaber.ui import accounts
from noaber.ui.forms import (
    FormState,
    as_list,
    new_form_token,
    posted_form,
    split_tags,
    store_form,
    validate,
)
from noaber.ui.pages.common import KIND_NAMES, options, request_type_options, slot_options
from noaber.ui.schemas import AskForHelpForm, SignUpForm
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import PUBLIC
from noaber.web.dependencies import CurrentTenant, DbSession

POSTCODE_MESSAGE = "Enter a postcode like 8921 AB."
FIELD_MESSAGES = {
    "postcode": POSTCODE_MESSAGE,
    "email": "Enter an e-mail address like name@example.nl.",
    "phone": "Enter a phone number of digits, like 06 12345678.",
    "consent": "Please agree, otherwise we cannot handle your request.",
    "given_name": "Please fill in your first name.",
    "description": "Please describe what you would like help with.",
    # The kind of help is a select: empty (None) it said only "This value is not valid."
    "type": "Choose one of the options.",
    # Lists of ids on the intake form: a value that is no number said "Enter a whole
    # number." under a list one can only choose from.
    "household_id": "Choose one of the options.",
    "professional_id": "Choose one of the options.",
}
SERVICE_MESSAGES = {"postcode": "This postcode does not lie in our municipality."}


class PublicPages(Controller):
    path = "/"
    opt = PUBLIC

    @get("/", sync_to_thread=False, name="ui-home")
    def home(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return render(request, "public/home.html", {"page_title": None})

    @get("/huisstijl/logo", sync_to_thread=True, name="ui-logo")
    def logo(self, tenant: CurrentTenant) -> Response[bytes]:
        from noaber.errors import NotFound

        logo = tenant.municipality.config.branding.logo
        if not logo:
            raise NotFound("no logo")
        resource = resources.files(tenant.municipality.package).joinpath(logo)
        if not resource.is_file():
            raise NotFound("no logo")
        media = "image/svg+xml" if logo.endswith(".svg") else "image/png"
        return Response(resource.read_bytes(), media_type=media)

    # --- ask for help -------------------------------------------------------------------

    def _ask_page(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        form: FormState,
        status: int = 200,
    ) -> Response[Any]:
        _ = gettext_for(request)
        return render(
            request,
            "public/ask_for_help.html",
            {
                "page_title": _("Ask for help"),
                "form": form,
                "types": request_type_options(tenant),
                "slots": slot_options(_),
            },
            status_code=status,
        )

    @get("/hulp-vragen", sync_to_thread=False, name="ui-ask")
    def ask_form(self, request: Request[Any, Any, Any], tenant: CurrentTenant) -> Response[Any]:
        return self._ask_page(
            request, tenant, FormState(values={"type": "hulpvraag"}, token=new_form_token())
        )

    @post("/hulp-vragen", name="ui-ask-submit")
    async def ask_submit(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        form = await posted_form(request)
        values = form.values
        values["availability"] = as_list(values.get("availability"))

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form.general.extend(refused)
            return self._ask_page(request, tenant, form, status)

        if form.expired:
            return page(400)
        data = validate(
            AskForHelpForm,
            values
            | {
                "family_name": values.get("family_name") or None,
                "email": values.get("email") or None,
                "phone": values.get("phone") or None,
            },
            form,
            _,
            field_messages=FIELD_MESSAGES,
        )
        if data is None or not isinstance(data, AskForHelpForm):
            return page(422)
        if data.type not in dict(request_type_options(tenant)):
            form.errors["type"] = _("Choose one of the options.")
            return page(422)

        def store() -> str:
            return ask_for_help(db_session, tenant, data)

        return await store_form(
            request, db_session, form, store, page, service_messages=SERVICE_MESSAGES
        )

    @get("/hulp-vragen/ontvangen", sync_to_thread=False, name="ui-ask-done")
    def ask_done(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return render(request, "public/received.html", {"kind": "help"})

    # --- sign up to help ----------------------------------------------------------------

    def _signup_page(
        self, request: Request[Any, Any, Any], form: FormState, status: int = 200
    ) -> Response[Any]:
        _ = gettext_for(request)
        return render(
            request,
            "public/sign_up.html",
            {
                "page_title": _("Become a volunteer or support family"),
                "form": form,
                "kinds": options({k: v for k, v in KIND_NAMES.items() if k != "business"}, _),
                "slots": slot_options(_),
            },
            status_code=status,
        )

    @get("/vrijwilliger-worden", sync_to_thread=False, name="ui-signup")
    def signup_form(self, request: Request[Any, Any, Any]) -> Response[Any]:
        kind = request.query_params.get("soort", "volunteer")
        kind = kind if kind in ("volunteer", "support_family") else "volunteer"
        return self._signup_page(request, FormState(values={"kind": kind}, token=new_form_token()))

    @post("/vrijwilliger-worden", name="ui-signup-submit")
    async def signup_submit(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        form = await posted_form(request)
        values = form.values
        values["availability"] = as_list(values.get("availability"))

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form.general.extend(refused)
            return self._signup_page(request, form, status)

        if form.expired:
            return page(400)
        cleaned = values | {
            "family_name": values.get("family_name") or None,
            "phone": values.get("phone") or None,
            "skills": split_tags(values.get("skills")),
            "motivation": values.get("motivation") or None,
        }
        data = validate(SignUpForm, cleaned, form, _, field_messages=FIELD_MESSAGES)
        if data is None or not isinstance(data, SignUpForm):
            return page(422)

        def store() -> str:
            return sign_up(db_session, tenant, data)

        return await store_form(
            request, db_session, form, store, page, service_messages=SERVICE_MESSAGES
        )

    @get("/vrijwilliger-worden/ontvangen", sync_to_thread=False, name="ui-signup-done")
    def signup_done(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return render(request, "public/received.html", {"kind": "signup"})


def ask_for_help(session: Session, tenant: TenantRuntime, data: AskForHelpForm) -> str:
    person = create_person(
        session,
        tenant.plugins,
        PersonIn(
            given_name=data.given_name,
            family_name=data.family_name,
            email=data.email,
            phone=data.phone,
            postcode=data.postcode,
        ),
    )
    create_request(
        session,
        tenant.plugins,
        RequestIn(
            type=data.type,
            asked_by=AskedBy.self,
            person_id=person.id,
            description=data.description,
            availability=data.availability,
            actor="resident (web form)",
        ),
    )
    accounts.note_subjects([person.id])
    return "/hulp-vragen/ontvangen"


def sign_up(session: Session, tenant: TenantRuntime, data: SignUpForm) -> str:
    person = create_person(
        session,
        tenant.plugins,
        PersonIn(
            given_name=data.given_name,
            family_name=data.family_name,
            email=data.email,
            phone=data.phone,
            postcode=data.postcode,
            notes=data.motivation,
        ),
    )
    create_helper(
        session,
        HelperIn(
            kind=HelperKind(data.kind),
            display_name=" ".join(p for p in (data.given_name, data.family_name) if p),
            person_id=person.id,
            skills=data.skills,
            availability=data.availability,
            # A coordinator checks new helpers (and a VOG for support families) first.
            status=HelperStatus.paused,
        ),
    )
    accounts.note_subjects([person.id])
    return "/vrijwilliger-worden/ontvangen"
