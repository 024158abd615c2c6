"""PHI detection: presidio with our healthcare recognizers over the shared spaCy pipeline.

tldextract (imported by presidio's e-mail recognizer) fetches the public-suffix list
from the internet on first use unless this variable is empty; an empty value makes
it use the snapshot it ships. It is read when tldextract is imported, so it is set
here, before any module of this package can import presidio.
"""

import os

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
