"""The audit desk: exact selection rates and impact ratios for a set of filters, the law of a
date and jurisdiction, and the filters written out as a posting file. No Flask here."""
