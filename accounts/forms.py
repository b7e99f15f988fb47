"""Forms for accounts: claims, profile edits, conversations, reports, preferences."""

from __future__ import annotations

from django import forms

from accounts.models import AccountPreferences
from papers.models import Paper, Topic
from profiles.models import Author
from profiles.orcid import orcid_cleaned


class ClaimForm(forms.Form):
    evidence_email = forms.ChoiceField(
        label="Verified email address",
        required=False,
        help_text="An address at your institution counts as strong evidence.",
    )
    evidence_orcid = forms.CharField(label="ORCID iD", required=False, max_length=40)
    evidence_homepage = forms.URLField(
        label="Homepage listing these papers", required=False, max_length=200, assume_scheme="https"
    )
    evidence_text = forms.CharField(
        label="Anything else the reviewers should know",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, verified_emails: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence_email"].choices = [("", "(none)")] + [
            (email, email) for email in verified_emails
        ]

    def clean_evidence_orcid(self) -> str:
        return orcid_cleaned(self.cleaned_data["evidence_orcid"])


class AuthorProfileForm(forms.Form):
    role = forms.CharField(required=False, max_length=200)
    affiliation = forms.CharField(required=False, max_length=2000, help_text="Your institution's name.")
    bio = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    homepage = forms.URLField(required=False, max_length=200, assume_scheme="https")
    orcid = forms.CharField(label="ORCID iD", required=False, max_length=40)
    open_to_collaborate = forms.BooleanField(required=False)

    @classmethod
    def initial_for(cls, author: Author) -> dict:
        return {
            "role": author.role,
            "affiliation": author.institution.name if author.institution_id else "",
            "bio": author.bio,
            "homepage": author.homepage,
            "orcid": author.orcid,
            "open_to_collaborate": author.open_to_collaborate,
        }

    def clean_orcid(self) -> str:
        return orcid_cleaned(self.cleaned_data["orcid"])


class ConversationStartForm(forms.Form):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(label="Message", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    paper = forms.ModelChoiceField(queryset=Paper.objects.none(), required=False, label="About a paper")
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.order_by("code"), required=False, label="About a topic"
    )

    def __init__(self, *args, author: Author, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paper"].queryset = Paper.objects.filter(authorships__author=author).order_by(
            "-year", "title"
        )


class MessageForm(forms.Form):
    body = forms.CharField(label="Reply", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DisownForm(forms.Form):
    reason = forms.CharField(
        label="Why is it not yours?", required=False, max_length=2000, widget=forms.TextInput()
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = AccountPreferences
        fields = ["weekly_digest", "email_on_message"]
        labels = {
            "weekly_digest": "Send me a weekly digest of new work by researchers I follow",
            "email_on_message": "Email me when someone writes to me",
        }


class ClaimDecisionForm(forms.Form):
    """The admin's reason for a decision; required when rejecting (the claimant reads it)."""

    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown to the claimant in their claims list and in the email they receive.",
    )
