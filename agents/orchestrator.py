"""From a brief to checked, revised drafts: the drafting pipeline of DESIGN.md.

refuse fabricated testimonials -> facts and required disclaimers from knowledge ->
per platform and variant: draft (modular composition, or the LLM behind the PHI
firewall) -> guardrails check with the organisation's CheckContext -> revise
(deterministic fixes, or a re-prompt with the findings) -> at most `max_rounds`
rounds -> a draft that keeps every remaining finding, `blocked` when one blocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from pydantic import BaseModel, ConfigDict, Field

from agents.brief import Brief, Draft, DraftResult, EngineName, Escalation
from agents.chat import ChatMessage, ChatModel, structured
from agents.errors import AgentError, EngineNotConfigured
from agents.firewall import PhiFirewall, unresolved_placeholders
from agents.modular import Composition, ModularComposer, style_for
from agents.prompts import PROMPT_VERSION, load_prompt
from agents.provenance import provided_facts, with_contact_numbers
from agents.replies import compose_reply, refuse_fabrication
from agents.reply_drafting import draft_reply
from agents.reviser import revise_modular
from guardrails.context import (
    CheckContext,
    Consent,
    ContextFacts,
    MediaItem,
    Platform,
    ProvidedFacts,
)
from guardrails.findings import Category, Finding, Severity
from guardrails.pipeline import Checker
from guardrails.redact import Redactor
from knowledge.libraries.models import Claim, Disclaimer, KnowledgeLibrary
from knowledge.retrieval import KnowledgeBase, library_disclaimers, library_facts

DEFAULT_MAX_ROUNDS = 2


class LlmDraft(BaseModel):
    """What the LLM engine must return."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)
    alt_texts: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)


@dataclass
class _Job:
    """Everything one brief's drafting shares across platforms."""

    org: str
    brief: Brief
    library: KnowledgeLibrary
    facts: ContextFacts
    claims: list[Claim]
    consents: list[Consent]
    day: date
    # What the drafts may cite (the provenance rule); built once: it walks the whole library.
    provided: ProvidedFacts
    escalations: list[Escalation] = field(default_factory=list)


@dataclass
class Orchestrator:
    """Holds the loaded pieces; `draft()` is safe to call concurrently for different briefs."""

    kb: KnowledgeBase
    checker: Checker
    redactor: Redactor | None = None
    chat_model: ChatModel | None = None
    local_model: ChatModel | None = None
    max_rounds: int = DEFAULT_MAX_ROUNDS
    today: Callable[[], date] = date.today

    def draft(
        self,
        org: str,
        brief: Brief,
        *,
        engine: EngineName = "modular",
        consents: Sequence[Consent] = (),
    ) -> DraftResult:
        refuse_fabrication(brief)
        job = self._job(org, brief, consents)
        if engine == "llm":
            if self.chat_model is None:
                raise EngineNotConfigured("the llm engine needs a configured model (see LlmConfig)")
            return self._draft_llm(job, self.chat_model, "llm")
        if engine == "local":
            if self.local_model is None:
                raise EngineNotConfigured(
                    "the local engine needs the optional extra: pip install 'carepost[local]'"
                )
            return self._draft_llm(job, self.local_model, "local")
        return self._draft_modular(job)

    def check_edit(
        self,
        org: str,
        brief: Brief,
        platform: Platform,
        text: str,
        *,
        consents: Sequence[Consent] = (),
        alt_texts: Sequence[str] | None = None,
    ) -> list[Finding]:
        """Check a person's edit of a draft exactly as drafting checks its own output.

        Same facts, consents, media and day as `draft()`; `alt_texts`, when given, replace
        the brief's media descriptions in order (an edit may rewrite them).
        """
        job = self._job(org, brief, consents)
        ctx = self.context(job, platform)
        if alt_texts is not None:
            media = [
                item.model_copy(update={"alt_text": alt_texts[i] if i < len(alt_texts) else None})
                for i, item in enumerate(ctx.media)
            ]
            ctx = ctx.model_copy(update={"media": media})
        return self._check(text, ctx)

    # -- shared ------------------------------------------------------------------------------

    def _job(self, org: str, brief: Brief, consents: Sequence[Consent]) -> _Job:
        library = self.kb.library(org)
        if library is None:
            raise AgentError("this organisation has no knowledge library to draft from")
        day = self.today()
        return _Job(
            org=org,
            brief=brief,
            library=library,
            facts=with_contact_numbers(
                library_facts(library, product_ids=brief.product_ids, on=day), library
            ),
            claims=library.usable_claims(day, brief.product_ids),
            consents=[c for c in consents if c.id in set(brief.consent_ids)],
            day=day,
            provided=provided_facts(brief, library, PROMPT_VERSION),
        )

    def context(self, job: _Job, platform: Platform) -> CheckContext:
        ctx = CheckContext.of(platform, job.brief.content_type, job.facts)
        media = [MediaItem(kind=m.kind, alt_text=m.alt_text or m.description) for m in job.brief.media]
        # What the draft may cite, so a link, number or date the model made up is reported.
        return ctx.model_copy(
            update={"consents": job.consents, "media": media, "today": job.day, "provided": job.provided}
        )

    def disclaimers(self, job: _Job, platform: Platform) -> list[Disclaimer]:
        return library_disclaimers(
            job.library,
            content_type=job.brief.content_type,
            platforms=[platform],
            topics=job.brief.topics,
            product_ids=job.brief.product_ids,
        )

    def _check(self, text: str, ctx: CheckContext) -> list[Finding]:
        return self._with_placeholders(text, self.checker.check(text, ctx).findings)

    @staticmethod
    def _with_placeholders(text: str, found: Sequence[Finding]) -> list[Finding]:
        findings = list(found)
        if placeholders := unresolved_placeholders(text):
            findings.append(_placeholder_finding(len(placeholders)))
        return findings

    def _check_many(self, items: list[tuple[str, CheckContext]]) -> list[list[Finding]]:
        """One spaCy batch for several texts (a brief's platforms): cheaper than one call each."""
        reports = self.checker.check_many(items)
        return [
            self._with_placeholders(text, report.findings)
            for (text, _), report in zip(items, reports, strict=True)
        ]

    # -- modular -----------------------------------------------------------------------------

    def _draft_modular(self, job: _Job) -> DraftResult:
        composer = ModularComposer(job.library)
        contexts = {platform: self.context(job, platform) for platform in job.brief.platforms}
        if job.brief.is_reply:
            replies: list[Draft] = []
            for platform, ctx in contexts.items():
                reply, job.escalations = draft_reply(
                    job.library,
                    job.brief,
                    platform,
                    disclaimers=self.disclaimers(job, platform),
                    check=partial(self._check, ctx=ctx),
                    max_rounds=self.max_rounds,
                )
                replies.append(reply)
            return DraftResult(
                brief_id=job.brief.id, engine="modular", drafts=replies, escalations=job.escalations
            )
        disclaimers = {p: self.disclaimers(job, p) for p in contexts}
        compositions = {p: composer.compose(job.brief, p, disclaimers[p], job.claims) for p in contexts}
        # The platforms go through the rounds side by side, so that each round's revised
        # texts are checked in one spaCy batch too; each platform still stops on its own.
        checking = list(contexts)
        findings: dict[Platform, list[Finding]] = {}
        rounds = dict.fromkeys(contexts, 0)
        while checking:
            texts = [(compositions[p].render(), contexts[p]) for p in checking]
            findings.update(zip(checking, self._check_many(texts), strict=True))
            revising = [p for p in checking if findings[p] and rounds[p] < self.max_rounds]
            checking = []
            for platform in revising:
                revised = revise_modular(
                    compositions[platform],
                    findings[platform],
                    composer=composer,
                    brief=job.brief,
                    disclaimers=disclaimers[platform],
                )
                if revised == compositions[platform]:
                    continue  # nothing more this engine can fix: the reviewer sees the rest
                compositions[platform], rounds[platform] = revised, rounds[platform] + 1
                checking.append(platform)
        drafts = [
            draft for p in contexts for draft in _variants(job.brief, compositions[p], findings[p], rounds[p])
        ]
        return DraftResult(
            brief_id=job.brief.id, engine="modular", drafts=drafts, escalations=job.escalations
        )

    # -- llm ---------------------------------------------------------------------------------

    def _draft_llm(self, job: _Job, model: ChatModel, engine: EngineName) -> DraftResult:
        """The `llm` and `local` engines: one path through a `ChatModel`, whichever model it is."""
        if not model.phi_safe and self.redactor is None:
            raise EngineNotConfigured("a model that is not phi_safe needs the PHI firewall's redactor")
        firewall = PhiFirewall(self.redactor, job.facts) if self.redactor and not model.phi_safe else None
        brief = job.brief
        fields = brief.free_text_fields()
        masked = firewall.mask_fields(fields) if firewall else fields
        bundle = self.kb.retrieve(
            job.org, " ".join([brief.topic, *brief.key_messages]), product_ids=brief.product_ids or None, k=6
        )
        knowledge = "\n".join(
            f"[{c.citation.doc_id}] {firewall.mask(c.text) if firewall else c.text}" for c in bundle.chunks
        )
        drafts: list[Draft] = []
        for platform in brief.platforms:
            ctx = self.context(job, platform)
            messages = [ChatMessage(role="user", content=self._prompt(job, platform, masked, knowledge))]
            output, _ = structured(model, messages, LlmDraft)
            text = self._restore(firewall, output.text, job, platform)
            findings = self._check(text, ctx)
            rounds = 0
            while findings and rounds < self.max_rounds:
                rounds += 1
                shown = firewall.mask(text) if firewall else text
                revise = load_prompt("revise", PROMPT_VERSION).render(
                    platform=platform.value, findings=_findings_for_prompt(findings), text=shown
                )
                messages = [*messages, ChatMessage(role="assistant", content=output.model_dump_json())]
                messages.append(ChatMessage(role="user", content=revise))
                output, _ = structured(model, messages, LlmDraft)
                text = self._restore(firewall, output.text, job, platform)
                findings = self._check(text, ctx)
            drafts.append(
                Draft(
                    platform=platform,
                    text=text,
                    alt_texts=output.alt_texts,
                    status=Draft.status_for(findings),
                    findings=findings,
                    rounds=rounds,
                    engine=engine,
                    citations=[c for c in output.citations if c in set(bundle.doc_ids())],
                )
            )
        return DraftResult(
            brief_id=brief.id,
            engine=engine,
            drafts=drafts,
            escalations=job.escalations,
            masked=firewall.stats() if firewall else {},
            prompt_version=PROMPT_VERSION,
        )

    def _restore(self, firewall: PhiFirewall | None, text: str, job: _Job, platform: Platform) -> str:
        if firewall is None:
            return text
        return firewall.restore(
            text, job.consents, platform=platform, content_type=job.brief.content_type, on=job.day
        )

    def _prompt(self, job: _Job, platform: Platform, masked: dict[str, str], knowledge: str) -> str:
        brief, library = job.brief, job.library
        style = style_for(platform, brief.content_type)
        if brief.is_reply:
            text, job.escalations, _ = compose_reply(library, brief)
            return load_prompt("reply", PROMPT_VERSION).render(
                organisation=library.brand.organisation,
                platform=platform.value,
                kind="review" if brief.content_type.value == "review_response" else "comment",
                contact=library.brand.patient_relations_contact,
                template=text,
                said=masked.get("reply_to.text", ""),
            )
        products = [p for p in library.products if p.id in brief.product_ids]
        link_rule = (
            "links are clickable" if style.links_clickable else "links are not clickable: say 'link in bio'"
        )
        return load_prompt("draft", PROMPT_VERSION).render(
            organisation=library.brand.organisation,
            platform=platform.value,
            voice="\n".join(f"- {rule}" for rule in library.brand.voice_rules),
            platform_rules=f"at most {style.limit} characters (links count as 23 on x), "
            f"at most {style.max_hashtags} hashtags, {link_rule}",
            topic=masked["topic"],
            pillar=brief.pillar.value,
            content_type=brief.content_type.value,
            tone=brief.tone.value,
            audience=masked["audience"],
            goal=masked.get("goal", "-"),
            key_messages="; ".join(v for k, v in masked.items() if k.startswith("key_messages.")) or "-",
            call_to_action=masked.get("call_to_action", "-"),
            link=brief.links[0] if brief.links else "-",
            observance=masked.get("observance", "-"),
            media="; ".join(v for k, v in masked.items() if k.startswith("media.")) or "none",
            claims="\n".join(f"- {c.text}" for c in job.claims) or "- none",
            products="\n".join(
                f"- {p.brand_name}: {p.short_risk_statement} {p.pi_url or ''}" for p in products
            )
            or "- none",
            disclaimers="\n".join(f"- {d.text}" for d in self.disclaimers(job, platform)) or "- none",
            knowledge=knowledge or "- none",
        )


def _variants(brief: Brief, composition: Composition, findings: list[Finding], rounds: int) -> list[Draft]:
    """The modular engine is deterministic: variants differ only where the library offers alternatives."""
    text = composition.render()
    return [
        Draft(
            platform=composition.platform,
            variant=1,
            text=text,
            alt_texts=list(composition.alt_texts),
            status=Draft.status_for(findings),
            findings=findings,
            rounds=rounds,
            engine="modular",
            citations=composition.citations(),
        )
    ]


def _findings_for_prompt(findings: list[Finding]) -> str:
    return json.dumps(
        [
            {
                "rule_id": f.rule_id,
                "severity": f.severity.value,
                "message": f.message,
                "suggestion": f.suggestion,
            }
            for f in findings
        ],
        indent=1,
    )


def _placeholder_finding(count: int) -> Finding:
    return Finding(
        rule_id="agents.masked_detail",
        category=Category.PHI,
        severity=Severity.BLOCK,
        message=f"{count} masked detail(s) remain: the PHI firewall withheld them because no valid consent covers this post.",
        citation="45 CFR 164.508 (authorization required to disclose PHI)",
        suggestion="Remove the bracketed placeholder(s), or attach a valid consent record and redraft.",
    )
