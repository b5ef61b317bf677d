"""What a case means: its answers turned into the classifier's input (`feeds`,
`classification`), the practitioner's decisions, independent classification
rounds, the timeline, what is due under each policy profile, the practice cases
and quiz (`learning`) and the fictional demo case.

May import flows, records and risk; never documents, the UI or the commands.
"""
