;;; The workforce benchmark rules (WORKLOAD.md) as a CLIPS program, the peer Reckon is
;;; measured against. The filler rules for K are generated with the facts (fillers.clp).
;;;
;;; Facts: times are minutes from Monday 2025-01-06 00:00 (CLIPS has no date type), so
;;; the ISO week of a start is 2 + start div 10080 over the workload's four weeks. Ids,
;;; codes and locations are symbols. Amounts are floats: rates and hours are multiples of
;;; 1/4, so every amount is a multiple of 1/32 and exact in a double.
;;;
;;; CLIPS has no grouping: weekly totals are summed one shift at a time (a `counted` fact
;;; per shift), at a salience above the rules that read the totals, so those see them
;;; complete.

(deftemplate employee
  (slot id) (slot rate) (slot threshold) (slot visa) (slot location))

(deftemplate shift
  (slot id) (slot employee_id) (slot start) (slot end) (slot break)
  (slot pay_code) (slot location)
  (slot hours (default nil)) (slot pay (default nil)))

(deftemplate weekly_hours (slot employee_id) (slot week) (slot total))
(deftemplate counted (slot shift_id))
(deftemplate overtime (slot employee_id) (slot week) (slot hours) (slot premium))
(deftemplate violation (slot rule) (slot employee_id) (slot week) (slot hours) (slot shift_id))
(deftemplate filler_match (slot rule) (slot shift_id))

;; R1: paid hours are the shift's length less its unpaid break.
(defrule shift-hours
  (declare (salience 40))
  ?s <- (shift (hours nil) (start ?start) (end ?end) (break ?break))
  =>
  (modify ?s (hours (- (/ (- ?end ?start) 60.0) (/ ?break 60.0)))))

;; R2: pay at the employee's rate, half as much again on a holiday.
(defrule shift-pay
  (declare (salience 30))
  ?s <- (shift (hours ?h&~nil) (pay nil) (employee_id ?e) (pay_code ?code))
  (employee (id ?e) (rate ?rate))
  =>
  (modify ?s (pay (* ?h ?rate (if (eq ?code holiday) then 1.5 else 1.0)))))

;; R3: hours per employee and ISO week, over base and training shifts.
(defrule weekly-hours-open
  (declare (salience 20))
  (shift (employee_id ?e) (start ?start) (pay_code base|training) (hours ~nil))
  (not (weekly_hours (employee_id ?e) (week =(+ 2 (div ?start 10080)))))
  =>
  (assert (weekly_hours (employee_id ?e) (week (+ 2 (div ?start 10080))) (total 0.0))))

(defrule weekly-hours-add
  (declare (salience 20))
  (shift (id ?id) (employee_id ?e) (start ?start) (pay_code base|training) (hours ?h&~nil))
  (not (counted (shift_id ?id)))
  ?w <- (weekly_hours (employee_id ?e) (week =(+ 2 (div ?start 10080))) (total ?total))
  =>
  (assert (counted (shift_id ?id)))
  (modify ?w (total (+ ?total ?h))))

;; R4: hours over the employee's weekly threshold, with a half-rate premium.
(defrule weekly-overtime
  (declare (salience 10))
  (weekly_hours (employee_id ?e) (week ?week) (total ?total))
  (employee (id ?e) (threshold ?threshold&:(> ?total ?threshold)) (rate ?rate))
  =>
  (assert (overtime (employee_id ?e) (week ?week) (hours (- ?total ?threshold))
                    (premium (* (- ?total ?threshold) ?rate 0.5)))))

;; R5: a student visa allows 20 hours a week.
(defrule student-visa-limit
  (declare (salience 10))
  (weekly_hours (employee_id ?e) (week ?week) (total ?total&:(> ?total 20)))
  (employee (id ?e) (visa student))
  =>
  (assert (violation (rule student_visa_limit) (employee_id ?e) (week ?week) (hours ?total))))

;; R6: a shift over six hours needs a break of at least 30 minutes.
(defrule break-rule
  (declare (salience 30))
  (shift (id ?id) (employee_id ?e) (hours ?h&~nil&:(> ?h 6)) (break ?b&:(< ?b 30)))
  =>
  (assert (violation (rule break_rule) (employee_id ?e) (shift_id ?id))))

;; The checksums of WORKLOAD.md, in the line reference.py prints.
(deffunction cents (?amount)
  (integer (+ (* ?amount 100) 0.5)))

(deffunction checksums ()
  (bind ?shifts 0) (bind ?pay 0.0)
  (do-for-all-facts ((?s shift)) TRUE
    (bind ?shifts (+ ?shifts 1))
    (bind ?pay (+ ?pay ?s:pay)))
  (bind ?weekly (length$ (find-all-facts ((?w weekly_hours)) TRUE)))
  (bind ?overtime 0) (bind ?premium 0.0)
  (do-for-all-facts ((?o overtime)) TRUE
    (bind ?overtime (+ ?overtime 1))
    (bind ?premium (+ ?premium ?o:premium)))
  (bind ?r5 (length$ (find-all-facts ((?v violation)) (eq ?v:rule student_visa_limit))))
  (bind ?r6 (length$ (find-all-facts ((?v violation)) (eq ?v:rule break_rule))))
  (bind ?filler (length$ (find-all-facts ((?f filler_match)) TRUE)))
  (printout t "CHECKSUM shifts=" ?shifts " total_pay_cents=" (cents ?pay)
              " weekly_totals=" ?weekly " overtime_records=" ?overtime
              " overtime_premium_cents=" (cents ?premium) " violations_R5=" ?r5
              " violations_R6=" ?r6 " filler_matches=" ?filler crlf))
