//! The front ends: the `.calc` language that business analysts write and the JSON rule
//! documents that programs send. Both parse without failing, report diagnostics as plain
//! data with spans, and lower to the same `reckon-rule-ir` program.
