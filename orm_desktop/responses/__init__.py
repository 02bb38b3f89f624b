"""Response templates, key messages, drafting and the approval workflow (no Qt)."""
