"""The consent registry: patient authorisations for testimonials and stories.

`registry` creates, reads and revokes consents and answers which are valid for a
post (`valid_consents`, for the drafting API); `withdrawal` is the seam through
which revocation and expiry reach the content that used a consent.
"""
